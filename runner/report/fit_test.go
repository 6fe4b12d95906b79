package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFitWrapsToTheWidth(t *testing.T) {
	long := "  TestIncFromManyGoroutines: data race on c.n: goroutine 45 read c.n at counter.go:21 while goroutine 13 wrote it at counter.go:21 (in counter.(*Counter).Inc), with nothing ordering the two"
	lines := fit(long, 80, 4)
	require.Greater(t, len(lines), 1)
	for _, l := range lines {
		assert.LessOrEqual(t, len(l), 80-1-4, "a line printed at column 4 fits 80 columns, one to spare: %q", l)
		assert.True(t, strings.HasPrefix(l, "  "), "continuations keep the line's own indent: %q", l)
	}
	assert.Equal(t, strings.Fields(long), strings.Fields(strings.Join(lines, " ")), "no word lost or split")
	assert.Equal(t, []string{long}, fit(long, 0, 4), "no width: no wrapping")
}
