package runner

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestHintLinesWrapProseAndIndentCode: a hint's prose is wrapped to the
// terminal, its code (lines starting with a tab) is indented and never
// wrapped, so that it still reads as Go on a narrow screen.
func TestHintLinesWrapProseAndIndentCode(t *testing.T) {
	hint := "Hold the lock in every method that touches\nthe count:\n\n" +
		"\tfunc (c *Counter) Add(n int64) {\n\t\tc.mu.Lock()\n\t\tdefer c.mu.Unlock()\n\t\tc.n += n\n\t}\n\n" +
		"\tfunc (c *Counter) Inc() { c.Add(1) }\n" +
		"Value locks too."
	got := hintLines(hint, 30)
	want := []string{
		"Hold the lock in every method",
		"that touches the count:",
		"",
		"    func (c *Counter) Add(n int64) {",
		"        c.mu.Lock()",
		"        defer c.mu.Unlock()",
		"        c.n += n",
		"    }",
		"",
		"    func (c *Counter) Inc() { c.Add(1) }",
		"",
		"Value locks too.",
	}
	assert.Equal(t, want, got, "hint laid out for 30 columns:\n%s", strings.Join(got, "\n"))
	for _, line := range got {
		if !strings.HasPrefix(line, codeIndent) {
			assert.Less(t, utf8.RuneCountInString(line), 30, "prose wider than the terminal: %q", line)
		}
	}
}
