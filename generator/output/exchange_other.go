//go:build !linux

package output

// exchange has no atomic implementation outside Linux; Commit falls back to
// renaming the old tree aside first.
func exchange(a, b string) error { return errExchangeUnsupported }
