package gradebook_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/gradebook"
)

// BenchmarkGradeClass grades a synthetic class of 30 (exercises 1 and 9:
// reference solutions, a racy and a deadlocking wrong solution, the
// untouched stubs) the way grade --class does (a few at once, sharing the
// build cache), side by side with grading each of the 30 alone, one after
// the other, as a loop over grade --dir would; warm build cache. It prints
// the seconds per submission of both and their ratio (target 1.0 or
// lower):
//
//	go test -run '^$' -bench GradeClass -benchtime 1x ./runner/gradebook
func BenchmarkGradeClass(b *testing.B) {
	root, err := grade.FindRoot(".")
	require.NoError(b, err)
	var exs []exercises.Exercise
	for _, name := range []string{"counter", "once"} {
		ex, err := exercises.Find(name)
		require.NoError(b, err)
		exs = append(exs, ex)
	}
	classDir := b.TempDir()
	for i := range 30 {
		for _, ex := range exs {
			var src []byte
			switch i % 4 {
			case 0, 1:
				src, err = os.ReadFile(filepath.Join(root, "solutions", ex.Dir(), ex.Files[0]))
			case 2:
				src, err = firstWrong(ex, "race")
			case 3:
				src, err = fs.ReadFile(exercises.Canonical, ex.Dir()+"/"+ex.Files[0])
			}
			require.NoError(b, err)
			dir := filepath.Join(classDir, fmt.Sprintf("s%02d", i), ex.Dir())
			require.NoError(b, os.MkdirAll(dir, 0o755))
			require.NoError(b, os.WriteFile(filepath.Join(dir, ex.Files[0]), src, 0o644))
		}
	}
	students, err := gradebook.Discover(classDir)
	require.NoError(b, err)
	gradeOne := func(ctx context.Context, s gradebook.Student) (*grade.Result, error) {
		return grade.Grade(ctx, grade.Options{Root: root, Submission: s.Dir, Exercises: exs})
	}
	class := func(jobs int) time.Duration {
		start := time.Now()
		_, err := gradebook.Run(context.Background(), gradebook.Options{Students: students, Exercises: exs, Jobs: jobs, Grade: gradeOne})
		require.NoError(b, err)
		return time.Since(start)
	}
	alone := func() time.Duration {
		start := time.Now()
		for _, s := range students {
			_, err := gradeOne(context.Background(), s)
			require.NoError(b, err)
		}
		return time.Since(start)
	}
	for _, s := range students[:4] { // warm the build cache
		_, err := gradeOne(context.Background(), s)
		require.NoError(b, err)
	}
	jobs := []int{1, 2, 3} // --jobs; grade --class's default is one per 2 cores
	classT := make([]time.Duration, len(jobs))
	var aloneT time.Duration
	b.ResetTimer()
	for range b.N {
		// Alternate, so that a burst of load on the machine hits all.
		aloneT += alone()
		for i, j := range jobs {
			classT[i] += class(j)
		}
	}
	b.StopTimer()
	n := float64(b.N * len(students))
	perAlone := aloneT.Seconds() / n
	b.ReportMetric(perAlone, "alone-s/sub")
	// Printed, not logged: go test cuts a benchmark's log to ten lines.
	fmt.Printf("a class of %d (exercises 1 and 9), %d run(s), warm build cache, %d cores\n"+
		"  each graded alone, one after another  %.2fs per submission\n",
		len(students), b.N, runtime.NumCPU(), perAlone)
	for i, j := range jobs {
		per := classT[i].Seconds() / n
		b.ReportMetric(per/perAlone, fmt.Sprintf("ratio-jobs%d", j))
		fmt.Printf("  grade --class --jobs %d               %.2fs per submission, ratio %.2f (target 1.0 or lower)\n", j, per, per/perAlone)
	}
}

// firstWrong is ex's first wrong solution whose verdict is want.
func firstWrong(ex exercises.Exercise, want string) ([]byte, error) {
	entries, err := fs.ReadDir(exercises.Canonical, ex.Dir()+"/testdata/wrong")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/testdata/wrong/"+e.Name())
		if err == nil && bytes.HasPrefix(b, []byte("// want: "+want)) {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%s has no wrong solution that wants %s", ex.ID(), want)
}
