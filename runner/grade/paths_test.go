package grade_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

// TestGradeReportsRelativePaths grades, from a scratch folder outside the
// workspace, a submission with a compile error, a go vet finding, a data
// race and a panic: no report format may show the submission's folder,
// the grader's temporary folder, the workspace's or Go's own absolute
// paths (a CI report reads the same wherever it ran), and the compile
// error still points at the learner's line.
func TestGradeReportsRelativePaths(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs exercises under -race")
	}
	root, err := grade.FindRoot(".")
	require.NoError(t, err)
	counter, ledger, once, event := find(t, "counter"), find(t, "ledger"), find(t, "once"), find(t, "event")
	sub := t.TempDir()

	stub := reference(t, counter, "counter.go")
	broken := strings.Replace(stub, "c.mu.Lock()", "c.mu.Lock()\n\tundefinedInSubmission()", 1)
	require.NotEqual(t, stub, broken, "the counter's reference solution takes c.mu")
	brokenLine := 1 + strings.Count(broken[:strings.Index(broken, "undefinedInSubmission")], "\n")
	submit(t, sub, counter, map[string]string{"counter.go": broken})
	// copylocks: a Ledger passed by value copies its sync.Mutex.
	submit(t, sub, ledger, map[string]string{"ledger.go": reference(t, ledger, "ledger.go") + "\nfunc copied(l Ledger) int64 { return l.a }\n"})
	submit(t, sub, once, map[string]string{"once.go": wrongFixture(t, once, "check_without_lock.go")})
	submit(t, sub, event, map[string]string{"event.go": wrongFixture(t, event, "double_close.go")})

	res, err := grade.Grade(context.Background(), grade.Options{Root: root, Submission: sub,
		Exercises: []exercises.Exercise{counter, ledger, once, event}})
	require.NoError(t, err)
	require.Len(t, res.Exercises, 4)
	verdicts := []grade.Verdict{grade.BuildError, grade.VetError, grade.Race, grade.Panic}
	for i, er := range res.Exercises {
		if verdicts[i] == grade.VetError {
			// go test heads vet's findings with "# pkg", as it does the
			// compiler's, when the package has no internal test files
			// (every exercise); the engine builds it again with vet off
			// to tell them apart.
			require.Equal(t, grade.VetError, er.Verdict, "%s: %s\n%s", er.Slug, er.Message, er.Output)
			require.Contains(t, er.Message, "02-ledger/ledger.go:", "vet's finding, in the submission's file")
			require.Contains(t, er.Message, "passes lock by value", "vet's finding: %s", er.Message)
			continue
		}
		require.Equal(t, verdicts[i], er.Verdict, "%s: %s\n%s", er.Slug, er.Message, er.Output)
	}

	c := res.Exercises[0]
	assert.Equal(t, "does not compile: 01-counter/counter.go:"+strconv.Itoa(brokenLine)+":2: undefined: undefinedInSubmission", c.Message,
		"the compile error names the file relative to the submission")
	if assert.NotEmpty(t, c.Locations, "the compile error points at the learner's line") {
		assert.Equal(t, "01-counter/counter.go", c.Locations[0].File)
		assert.Equal(t, brokenLine, c.Locations[0].Line)
	}
	assertRelative(t, res, root, sub)
}

// assertRelative renders res in every report format and asserts that no
// absolute path of this machine shows in any of them.
func assertRelative(t *testing.T, res *grade.Result, root, sub string) {
	t.Helper()
	forbidden := []string{root + "/", sub, filepath.Join(os.TempDir(), "conclab-grade-")}
	if real, err := filepath.EvalSymlinks(sub); err == nil {
		forbidden = append(forbidden, real)
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		forbidden = append(forbidden, strings.TrimSpace(string(out))+"/")
	}
	for _, format := range report.Formats {
		var b bytes.Buffer
		require.NoError(t, report.Write(&b, format, res, report.Options{Verbose: true}))
		for _, f := range forbidden {
			if i := strings.Index(b.String(), f); i >= 0 {
				assert.Fail(t, "an absolute path in a report", "the %s report shows %s: ...%s...", format, f, b.String()[max(0, i-80):min(b.Len(), i+120)])
			}
		}
	}
}

func wrongFixture(t *testing.T, ex exercises.Exercise, name string) string {
	t.Helper()
	b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/testdata/wrong/"+name)
	require.NoError(t, err)
	return string(b)
}
