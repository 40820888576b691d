package build

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// GitLastmod reads the last commit time of every file under content/ with one
// `git log` pass (site.yaml `lastmod: git`). Paths are slash paths from the
// site root. File modification times are never used: they change on checkout.
func GitLastmod(ctx context.Context, root string) (map[string]time.Time, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", root, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--relative", "--", "content")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git log failed: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	times := map[string]time.Time{}
	var cur time.Time
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "\x00") {
			n, err := strconv.ParseInt(strings.TrimSpace(line[1:]), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("unexpected git log output %q", line)
			}
			cur = time.Unix(n, 0).UTC()
			continue
		}
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		// git log lists newest first: the first time seen is the last change.
		if _, seen := times[line]; !seen {
			times[line] = cur
		}
	}
	return times, nil
}
