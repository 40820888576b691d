package main

import (
	"bytes"
	"testing"
)

func TestServeUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"serve", "extra"}, {"serve", "--bind", "not-an-ip"}, {"serve", "--source", "/does/not/exist"}, {"serve", "--nope"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("lectern %v: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
}
