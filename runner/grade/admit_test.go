package grade_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// TestAdmit grades submissions that are refused before anything is built:
// a symbolic link (to a correct solution, and to a secret outside the
// submission), a file that is not UTF-8, a file that breaks the policy,
// and a missing file. None runs, none scores, and no report shows a byte
// of the secret.
func TestAdmit(t *testing.T) {
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	counter := find(t, "counter")
	secret := filepath.Join(t.TempDir(), "secret.go")
	require.NoError(t, os.WriteFile(secret, []byte("package counter\n// THE-SECRET-LINE\n"), 0o644))
	cases := []struct {
		name    string
		setup   func(dir string)
		verdict grade.Verdict
		says    string
	}{
		{"symlink to a solution", func(dir string) {
			require.NoError(t, os.Symlink(filepath.Join(solutionsDir, counter.Dir(), "counter.go"), filepath.Join(dir, "counter.go")))
		}, grade.Policy, "symbolic link"},
		{"symlink to a secret", func(dir string) {
			require.NoError(t, os.Symlink(secret, filepath.Join(dir, "counter.go")))
		}, grade.Policy, "symbolic link"},
		{"binary garbage", func(dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "counter.go"), []byte("package counter\n\xff\xfe\x1b[2J\x00"), 0o644))
		}, grade.Policy, "not UTF-8"},
		{"GOMAXPROCS in init", func(dir string) {
			src := "package counter\n\nimport \"runtime\"\n\nfunc init() { runtime.GOMAXPROCS(1) }\n\ntype Counter struct{ n int64 }\n\nfunc (c *Counter) Inc()        { c.n++ }\nfunc (c *Counter) Add(n int64) { c.n += n }\nfunc (c *Counter) Value() int64 { return c.n }\n"
			require.NoError(t, os.WriteFile(filepath.Join(dir, "counter.go"), []byte(src), 0o644))
		}, grade.Policy, "GOMAXPROCS"},
		{"missing file", func(dir string) {}, grade.NotSubmitted, "not submitted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sub := t.TempDir()
			dir := filepath.Join(sub, counter.Dir())
			require.NoError(t, os.MkdirAll(dir, 0o755))
			c.setup(dir)
			// A second exercise, so that the submission is not empty (and
			// refused too, so that nothing is built).
			once := find(t, "once")
			submit(t, sub, once, map[string]string{"once.go": "package once\n\nimport _ \"os/exec\"\n"})
			res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub, Exercises: []exercises.Exercise{counter, once}})
			require.NoError(t, err)
			er := res.Exercises[0]
			assert.Equal(t, c.verdict, er.Verdict, er.Message)
			assert.Contains(t, er.Message+strings.Join(er.Explanation, "\n"), c.says)
			assert.Zero(t, er.Points)
			assert.False(t, res.Passed)
			for _, tr := range er.Tests {
				assert.Equal(t, grade.Fail, tr.Verdict)
			}
			assert.Equal(t, grade.Policy, res.Exercises[1].Verdict, "os/exec is refused everywhere")
			var shown strings.Builder
			shown.WriteString(er.Message + strings.Join(er.Explanation, "") + er.Output)
			for _, l := range er.Locations {
				shown.WriteString(strings.Join(l.Code, ""))
			}
			assert.NotContains(t, shown.String(), "THE-SECRET-LINE", "nothing of a file outside the submission is shown")
		})
	}
	t.Run("empty submission", func(t *testing.T) {
		_, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: t.TempDir(), Exercises: []exercises.Exercise{counter}})
		assert.ErrorContains(t, err, "nothing to grade")
	})
}
