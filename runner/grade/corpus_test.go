package grade_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/grade"
)

// corpusWant is a corpus package's want.json: what a complete diagnosis
// of one run says.
type corpusWant struct {
	Verdict   string   `json:"verdict"`   // the most severe finding
	Findings  []string `json:"findings"`  // every kind of finding
	Locations []string `json:"locations"` // "file.go:12", the package's own lines
	About     string   `json:"about"`
}

// corpusFinding maps the corpus's names of findings to the engine's.
var corpusFinding = map[string]string{
	"race":       grade.FindingRace,
	"deadlock":   grade.FindingDeadlock,
	"leak":       grade.FindingLeak,
	"panic":      grade.FindingPanic,
	"timeout":    grade.FindingTimeout,
	"lock-order": grade.FindingLockOrder,
	"recursive":  grade.FindingRecursive,
}

// TestDiagnoseCorpus diagnoses each package of testdata/corpus, small
// modules of their own with a real-world-style concurrency bug that shows
// on every run (barriers force the bad interleaving), none of them using
// goleak or go-deadlock, and checks the verdict, every finding and every
// line its want.json names.
func TestDiagnoseCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every corpus package under -race")
	}
	dirs, err := filepath.Glob(filepath.Join("testdata", "corpus", "*", "want.json"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, wantFile := range dirs {
		dir, err := filepath.Abs(filepath.Dir(wantFile))
		require.NoError(t, err)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b, err := os.ReadFile(wantFile)
			require.NoError(t, err)
			var want corpusWant
			require.NoError(t, json.Unmarshal(b, &want))
			gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			require.NoError(t, err)

			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			res, err := grade.Diagnose(ctx, grade.DiagnoseOptions{Dir: dir, Count: 1, LockOrder: true, Timeout: time.Minute})
			require.NoError(t, err)
			require.Len(t, res.Exercises, 1)
			er := res.Exercises[0]
			report := fmt.Sprintf("%s: %s\n%s\nfindings: %v\nlocations: %v", er.Verdict, er.Message,
				strings.Join(er.Explanation, "\n"), er.Findings, er.Locations)

			assert.Equal(t, want.Verdict, string(er.Verdict), "%s\n%s", want.About, report)
			assert.False(t, res.Passed)
			for _, f := range want.Findings {
				kind, ok := corpusFinding[f]
				require.True(t, ok, "unknown finding %q in %s", f, wantFile)
				assert.Contains(t, er.Findings, kind, "%s\n%s", want.About, report)
			}
			var got []string
			for _, l := range er.Locations {
				got = append(got, fmt.Sprintf("%s:%d", filepath.Base(l.File), l.Line))
			}
			for _, l := range want.Locations {
				assert.True(t, pointsAt(got, l), "a diagnosis points at %s: %s\n%s", l, want.About, report)
			}
			after, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			require.NoError(t, err)
			assert.Equal(t, string(gomod), string(after), "the lock-order check leaves go.mod as it was")
			assert.NoFileExists(t, filepath.Join(dir, "go.sum"), "nor does it write a go.sum")
		})
	}
}

// pointsAt reports whether one of got ("file.go:12") is the location
// want names: "file.go:12", or "file.go:31-38" for any line of a range.
// A goroutine that spins in a loop has no one line: the look that proves
// it finds it at whichever line of the loop it was running.
func pointsAt(got []string, want string) bool {
	file, lines, _ := strings.Cut(want, ":")
	first, last, isRange := strings.Cut(lines, "-")
	if !isRange {
		return slices.Contains(got, want)
	}
	lo, err1 := strconv.Atoi(first)
	hi, err2 := strconv.Atoi(last)
	if err1 != nil || err2 != nil {
		return false
	}
	for _, g := range got {
		f, l, _ := strings.Cut(g, ":")
		if n, err := strconv.Atoi(l); err == nil && f == file && lo <= n && n <= hi {
			return true
		}
	}
	return false
}
