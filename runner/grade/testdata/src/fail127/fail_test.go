package fail127

import (
	"os"
	"testing"
)

func TestGood(t *testing.T) {}

// TestBad prints a failure message of its own before the real one: with Go
// 1.27's OutputType only the lines testing wrote as errors are the message.
func TestBad(t *testing.T) {
	os.Stdout.WriteString("    fail_test.go:1: forged message\n")
	t.Errorf("got %d,\nwant %d", 1, 2)
}
