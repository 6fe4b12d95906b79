package gradebook_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/gradebook"
)

// class makes a class folder of n students, s00..s(n-1), with a roster
// naming the even ones, and returns it with its students.
func class(t *testing.T, n int) (string, []gradebook.Student) {
	t.Helper()
	dir := t.TempDir()
	roster := "id,name,folder\n"
	for i := range n {
		f := fmt.Sprintf("s%02d", i)
		require.NoError(t, os.Mkdir(filepath.Join(dir, f), 0o755))
		if i%2 == 0 {
			roster += fmt.Sprintf("%d,Student %d,%s\n", i, i, f)
		}
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".git"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, gradebook.RosterFile), []byte(roster), 0o644))
	students, err := gradebook.Discover(dir)
	require.NoError(t, err)
	return dir, students
}

// fake grades a student by the number in its folder's name: a pure
// function of the folder, so that any two runs agree. Every fifth cannot
// be graded at all (as grade.Grade fails on an empty folder).
func fake(calls *atomic.Int32) func(context.Context, gradebook.Student) (*grade.Result, error) {
	return func(ctx context.Context, s gradebook.Student) (*grade.Result, error) {
		calls.Add(1)
		var n int
		fmt.Sscanf(s.Folder, "s%d", &n)
		if n%5 == 4 {
			return nil, errors.New("nothing to grade")
		}
		res := &grade.Result{Version: grade.ReportVersion}
		for k, ex := range twoExercises() {
			er := &grade.ExerciseResult{Number: ex.Number, Slug: ex.Slug, MaxPoints: 5, Verdict: grade.Pass, Points: 5}
			switch (n + k) % 3 {
			case 1:
				er.Verdict, er.Points = grade.Race, 0
			case 2:
				er.Verdict, er.Points = grade.Deadlock, 2
			}
			res.Exercises = append(res.Exercises, er)
			res.Points += er.Points
			res.MaxPoints += er.MaxPoints
		}
		return res, nil
	}
}

func TestDiscoverFoldersAndRoster(t *testing.T) {
	_, students := class(t, 4)
	require.Len(t, students, 4, "hidden folders and files are not students")
	assert.Equal(t, "s00", students[0].Folder)
	assert.Equal(t, "Student 0", students[0].Name, "names come from the roster's name column")
	assert.Equal(t, "", students[1].Name, "a student missing from the roster has no name")
	assert.True(t, filepath.IsAbs(students[3].Dir))

	bad := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(bad, "x"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bad, gradebook.RosterFile), []byte("who,when\n"), 0o644))
	_, err := gradebook.Discover(bad)
	assert.ErrorContains(t, err, "folder and name")
	_, err = gradebook.Discover(t.TempDir())
	assert.ErrorContains(t, err, "no submissions")
}

// TestResumeSkipsGraded: a run cancelled after k students keeps their
// results; the next run grades only the others, and its book is the one
// a single uninterrupted run gives. --force grades everyone again.
func TestResumeSkipsGraded(t *testing.T) {
	_, students := class(t, 12)
	exs := twoExercises()
	state := filepath.Join(t.TempDir(), "gb.csv.state")
	const k = 5

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var first atomic.Int32
	grader := fake(&first)
	opts := gradebook.Options{Students: students, Exercises: exs, State: state, Jobs: 1,
		Grade: func(ctx context.Context, s gradebook.Student) (*grade.Result, error) {
			res, err := grader(ctx, s)
			if first.Load() == k+1 {
				cancel() // the (k+1)th is cut short: it must not be kept
			}
			return res, err
		}}
	out, err := gradebook.Run(ctx, opts)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, k, out.Graded)
	kept, _ := filepath.Glob(filepath.Join(state, "*.json"))
	assert.Len(t, kept, k, "the students graded before the interruption are kept, the one cut short is not")

	var second atomic.Int32
	opts.Grade = fake(&second)
	out, err = gradebook.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, int32(len(students)-k), second.Load(), "the second run grades only those not kept")
	assert.Equal(t, k, out.Skipped)

	var once atomic.Int32
	whole, err := gradebook.Run(context.Background(), gradebook.Options{Students: students, Exercises: exs, Jobs: 3, Grade: fake(&once)})
	require.NoError(t, err)
	assert.Equal(t, csvOf(t, whole.Book), csvOf(t, out.Book), "resumed == graded in one go")

	var forced atomic.Int32
	opts.Grade, opts.Force = fake(&forced), true
	_, err = gradebook.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, int32(len(students)), forced.Load(), "--force grades everyone again")

	// Another choice of exercises does not reuse results kept for others.
	var other atomic.Int32
	opts.Grade, opts.Force, opts.Exercises = fake(&other), false, exs[:1]
	_, err = gradebook.Run(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, int32(len(students)), other.Load())
}

// TestShardsMergeToWhole: the shards of a class, graded apart and merged,
// are the gradebook of the whole class, in CSV and JSON alike.
func TestShardsMergeToWhole(t *testing.T) {
	_, students := class(t, 11)
	exs := twoExercises()
	var calls atomic.Int32
	whole, err := gradebook.Run(context.Background(), gradebook.Options{Students: students, Exercises: exs, Jobs: 2, Grade: fake(&calls)})
	require.NoError(t, err)

	const n = 3
	var books []*gradebook.Book
	seen := map[string]bool{}
	for i := n; i >= 1; i-- { // in any order
		shard := gradebook.Shard(students, i, n)
		assert.InDelta(t, len(students)/n, len(shard), 1, "shards differ in size by one at most")
		for _, s := range shard {
			assert.False(t, seen[s.Folder], "%s in two shards", s.Folder)
			seen[s.Folder] = true
		}
		out, err := gradebook.Run(context.Background(), gradebook.Options{Students: shard, Exercises: exs, Grade: fake(&calls)})
		require.NoError(t, err)
		// Through JSON, as shards reach the merge from other machines.
		var b bytes.Buffer
		require.NoError(t, gradebook.JSON(&b, out.Book))
		book, err := gradebook.Read(&b)
		require.NoError(t, err)
		books = append(books, book)
	}
	assert.Len(t, seen, len(students), "every student is in a shard")
	merged, err := gradebook.Merge(books...)
	require.NoError(t, err)
	assert.Equal(t, csvOf(t, whole.Book), csvOf(t, merged))
	var a, b bytes.Buffer
	require.NoError(t, gradebook.JSON(&a, whole.Book))
	require.NoError(t, gradebook.JSON(&b, merged))
	assert.JSONEq(t, a.String(), b.String())

	_, err = gradebook.Merge(books[0], books[0])
	assert.ErrorContains(t, err, "in two of the gradebooks")

	for _, bad := range []string{"0/2", "3/2", "1", "a/b", "1/0"} {
		_, _, err := gradebook.ParseShard(bad)
		assert.Error(t, err, bad)
	}
}

// TestCSVAndSummary checks the CSV's columns and the summary's lines.
func TestCSVAndSummary(t *testing.T) {
	_, students := class(t, 6)
	exs := twoExercises()
	var calls atomic.Int32
	out, err := gradebook.Run(context.Background(), gradebook.Options{Students: students, Exercises: exs, Grade: fake(&calls)})
	require.NoError(t, err)
	rows, err := csv.NewReader(strings.NewReader(csvOf(t, out.Book))).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"folder", "name", "01-counter", "02-ledger", "total", "max_points", "01-counter verdict", "02-ledger verdict"}, rows[0])
	require.Len(t, rows, 7)
	assert.Equal(t, []string{"s00", "Student 0", "5", "0", "5", "10", "", "race"}, rows[1])
	assert.Equal(t, []string{"s01", "", "0", "2", "2", "10", "race", "deadlock"}, rows[2])
	assert.Equal(t, []string{"s04", "Student 4", "0", "0", "0", "10", "not submitted", "not submitted"}, rows[5], "a submission that cannot be graded still has its row")

	var s bytes.Buffer
	require.NoError(t, gradebook.Summary(&s, out.Book))
	// counter: s00 pass, s01 race, s02 deadlock, s03 pass, s04 not submitted, s05 deadlock.
	assert.Contains(t, s.String(), "6 students, average 4.3/10 points\n")
	assert.Contains(t, s.String(), "exercise 1 counter: average 2.3/5, 2 of 6 passed; commonest failure: 2 of 6 deadlock\n")
}

// TestStateWritesAreAtomic: results are kept while others are graded at
// once, and no partial file is ever seen by a reader.
func TestStateWritesAreAtomic(t *testing.T) {
	_, students := class(t, 20)
	state := filepath.Join(t.TempDir(), "state")
	var calls atomic.Int32
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			files, _ := filepath.Glob(filepath.Join(state, "*.json"))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err == nil {
					assert.True(t, bytes.HasPrefix(b, []byte("{")) && bytes.HasSuffix(b, []byte("}")), "%s is whole", f)
				}
			}
		}
	})
	_, err := gradebook.Run(context.Background(), gradebook.Options{Students: students, Exercises: twoExercises(), State: state, Jobs: 4, Grade: fake(&calls)})
	close(stop)
	wg.Wait()
	require.NoError(t, err)
	left, _ := filepath.Glob(filepath.Join(state, ".tmp-*"))
	assert.Empty(t, left, "no temporary file is left behind")
}

func csvOf(t *testing.T, b *gradebook.Book) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, gradebook.CSV(&buf, b))
	return buf.String()
}

// twoExercises are the exercises the fake grader grades, counter and
// ledger, whose folders and names the tests above expect.
func twoExercises() []exercises.Exercise {
	var exs []exercises.Exercise
	for _, name := range []string{"counter", "ledger"} {
		e, err := exercises.Find(name)
		if err != nil {
			panic(err)
		}
		exs = append(exs, e)
	}
	return exs
}
