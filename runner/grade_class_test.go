package runner_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/gradebook"
)

// A kind of submission for the class tests: what goes in a student's
// folder.
type kind struct {
	name  string
	build bool // whether grading it runs go test
	make  func(t *testing.T, dir string)
}

// counterKinds are submissions of exercise 1 of every sort a class
// brings: correct, wrong in each way, the untouched (racy) stub, hostile,
// garbage, empty, missing.
func counterKinds(t *testing.T) []kind {
	ex, err := exercises.Find("counter")
	require.NoError(t, err)
	file := func(rel string, src []byte) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, rel)
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, src, 0o644))
		}
	}
	canon := func(name string) []byte {
		b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/"+name)
		require.NoError(t, err)
		return b
	}
	solution, err := os.ReadFile(filepath.Join(solutionsDir, ex.Dir(), ex.Files[0]))
	require.NoError(t, err)
	target := ex.Dir() + "/" + ex.Files[0]
	kinds := []kind{
		{"solution", true, file(target, solution)},
		{"solution in a checkout", true, file("exercises/"+target, solution)},
		{"stub", true, file(target, canon(ex.Files[0]))},
		{"garbage", true, file(target, []byte("this is not Go\n"))},
		{"hostile import", false, file(target, []byte("package counter\n\nimport \"os/exec\"\n\nvar _ = exec.Command\n\ntype Counter struct{}\n"))},
		{"hostile symlink", false, func(t *testing.T, dir string) {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, ex.Dir()), 0o755))
			require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, target)))
		}},
		{"empty", false, func(*testing.T, string) {}},
		{"missing", false, file("README.md", []byte("I did not do it\n"))},
	}
	// Wrong solutions whose verdict and points are the same on every run:
	// one that only loses updates (load_then_store.go) fails a varying
	// number of tests, so its points differ from one grading to the next.
	for _, w := range []string{"unlocked_value.go", "lock_twice.go"} {
		kinds = append(kinds, kind{"wrong " + w, true, file(target, canon("testdata/wrong/"+w))})
	}
	return kinds
}

// TestGradeClass grades a class of 30 (every kind above, several times
// over) with grade --class, and checks that every student's row is what
// grading that submission alone with grade --dir gives: the same verdict
// and points per exercise. (Grading is a function of the submission's
// content, so each kind is graded alone once.) Then the same command
// again grades nobody: every result is kept.
func TestGradeClass(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs exercise 1 under -race about 30 times")
	}
	kinds := counterKinds(t)
	classDir := t.TempDir()
	kindOf := map[string]int{}
	for i := range 30 {
		k := i % len(kinds)
		folder := fmt.Sprintf("student-%02d", i)
		dir := filepath.Join(classDir, folder)
		require.NoError(t, os.Mkdir(dir, 0o755))
		kinds[k].make(t, dir)
		kindOf[folder] = k
	}
	require.NoError(t, os.WriteFile(filepath.Join(classDir, "roster.csv"), []byte("folder,name\nstudent-00,Ada Lovelace\n"), 0o644))

	out := filepath.Join(t.TempDir(), "gradebook.json")
	start := time.Now()
	code, stdout, stderr := run(t, "grade", "--class", classDir, "--only", "1", "--format", "json", "--out", out)
	t.Logf("a class of 30 took %v", time.Since(start).Round(time.Millisecond))
	require.Equal(t, 0, code, "stderr: %s", stderr)
	assert.Equal(t, 30, strings.Count(stdout, "/30 student-"), "a line per student without a terminal:\n%s", stdout)
	assert.Contains(t, stdout, "30 students, average")
	assert.Regexp(t, `exercise 1 counter: average [0-9.]+/7, 6 of 30 passed; commonest failure: \d+ of 30 `, stdout)
	book, err := gradebook.ReadFile(out)
	require.NoError(t, err)
	require.Len(t, book.Students, 30)
	assert.Equal(t, "Ada Lovelace", book.Students[0].Name)

	// Each kind alone, through grade --dir.
	alone := make([]*grade.Result, len(kinds))
	for k, kd := range kinds {
		dir := t.TempDir()
		kd.make(t, dir)
		report := filepath.Join(t.TempDir(), "report.json")
		code, _, stderr := run(t, "grade", "--dir", dir, "--only", "1", "--format", "json", "--out", report)
		if code == 2 {
			// Nothing to grade: the class gives the student a row anyway.
			counter, err := exercises.Find("1")
			require.NoError(t, err)
			alone[k] = gradebook.Failed([]exercises.Exercise{counter}, fmt.Errorf("%s", strings.TrimPrefix(strings.TrimSpace(stderr), "conclab: ")))
			continue
		}
		raw, err := os.ReadFile(report)
		require.NoError(t, err, "%s: exit %d, %s", kd.name, code, stderr)
		alone[k] = &grade.Result{}
		require.NoError(t, json.Unmarshal(raw, alone[k]))
	}
	for _, e := range book.Students {
		k := kindOf[e.Folder]
		want, got := alone[k], e.Report
		require.Len(t, got.Exercises, 1, e.Folder)
		w, g := want.Exercises[0], got.Exercises[0]
		assert.Equal(t, w.Verdict, g.Verdict, "%s (%s): the class's verdict is grading it alone's", e.Folder, kinds[k].name)
		assert.Equal(t, w.Points, g.Points, "%s (%s): points", e.Folder, kinds[k].name)
		assert.Equal(t, w.MaxPoints, g.MaxPoints, "%s (%s): max points", e.Folder, kinds[k].name)
		if w.Verdict == grade.NotSubmitted || w.Verdict == grade.Policy {
			// The same words, about the student's own folder.
			msg := regexp.MustCompile(`in /\S+: `).ReplaceAllString(w.Message, "in DIR: ")
			assert.Equal(t, msg, regexp.MustCompile(`in /\S+: `).ReplaceAllString(g.Message, "in DIR: "), "%s (%s): message", e.Folder, kinds[k].name)
		}
		if kinds[k].name == "solution" {
			assert.Equal(t, grade.Pass, g.Verdict, e.Folder)
		}
	}

	// The CSV of the same book, by merging it alone.
	csvOut := filepath.Join(t.TempDir(), "gradebook.csv")
	code, _, stderr = run(t, "gradebook", "merge", out, "--out", csvOut)
	require.Equal(t, 0, code, stderr)
	f, err := os.Open(csvOut)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 31)
	assert.Equal(t, []string{"folder", "name", "01-counter", "total", "max_points", "01-counter verdict"}, rows[0])
	for _, r := range rows[1:] {
		g := book.Students[slicesIndex(book, r[0])].Report.Exercises[0]
		assert.Equal(t, fmt.Sprint(g.Points), r[2], r[0])
		if g.Verdict == grade.Pass {
			assert.Empty(t, r[5], r[0])
		} else {
			assert.Equal(t, string(g.Verdict), r[5], r[0])
		}
	}

	// Run again: everyone's result is kept.
	start = time.Now()
	code, stdout, stderr = run(t, "grade", "--class", classDir, "--only", "1", "--format", "json", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "(0 graded now, 30 kept from an earlier run")
	assert.Less(t, time.Since(start), 5*time.Second, "nothing is graded again")
	again, err := gradebook.ReadFile(out)
	require.NoError(t, err)
	var a, b bytes.Buffer
	require.NoError(t, gradebook.JSON(&a, book))
	require.NoError(t, gradebook.JSON(&b, again))
	assert.JSONEq(t, a.String(), b.String())
}

func slicesIndex(b *gradebook.Book, folder string) int {
	for i, e := range b.Students {
		if e.Folder == folder {
			return i
		}
	}
	return -1
}

// TestGradeClassShardsMerge grades a class (of submissions refused or
// missing, which never reach go test: fast) in three shards and merges
// them: the merged gradebook is the unsharded one.
func TestGradeClassShardsMerge(t *testing.T) {
	var cheap []kind
	for _, k := range counterKinds(t) {
		if !k.build {
			cheap = append(cheap, k)
		}
	}
	classDir := t.TempDir()
	for i := range 10 {
		dir := filepath.Join(classDir, fmt.Sprintf("s%d", i))
		require.NoError(t, os.Mkdir(dir, 0o755))
		cheap[i%len(cheap)].make(t, dir)
	}
	tmp := t.TempDir()
	whole := filepath.Join(tmp, "whole.csv")
	code, _, stderr := run(t, "grade", "--class", classDir, "--only", "1", "--out", whole)
	require.Equal(t, 0, code, stderr)
	var shards []string
	for i := 1; i <= 3; i++ {
		p := filepath.Join(tmp, fmt.Sprintf("shard%d.json", i))
		code, stdout, stderr := run(t, "grade", "--class", classDir, "--only", "1", "--format", "json", "--shard", fmt.Sprintf("%d/3", i), "--out", p)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, map[int]int{1: 4, 2: 3, 3: 3}[i], len(regexp.MustCompile(`(?m)^\d+/\d+ s\d:`).FindAllString(stdout, -1)), "shard %d/3's students:\n%s", i, stdout)
		shards = append(shards, p)
	}
	merged := filepath.Join(tmp, "merged.csv")
	code, _, stderr = run(t, append(append([]string{"gradebook", "merge"}, shards...), "--out", merged)...)
	require.Equal(t, 0, code, stderr)
	w, err := os.ReadFile(whole)
	require.NoError(t, err)
	m, err := os.ReadFile(merged)
	require.NoError(t, err)
	assert.Equal(t, string(w), string(m))

	for _, tc := range [][]string{
		{"grade", "--class", classDir, "--shard", "4/3"},
		{"grade", "--class", classDir, "--format", "junit"},
		{"grade", "--shard", "1/2"},
		{"grade", "--class", classDir, "--dir", classDir},
		{"grade", "--class", filepath.Join(tmp, "nowhere")},
		{"gradebook", "merge"},
		{"gradebook", "split", shards[0]},
		{"gradebook", "merge", shards[0], shards[0]},
		{"gradebook", "merge", whole},
	} {
		code, _, stderr := run(t, tc...)
		assert.Equal(t, 2, code, "conclab %s: %s", strings.Join(tc, " "), stderr)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "conclab %s: one line: %q", strings.Join(tc, " "), stderr)
	}
}

// TestGradeClassTerminalProgress: on a terminal the progress is one line,
// rewritten: graded/total, elapsed and remaining, who is being graded.
func TestGradeClassTerminalProgress(t *testing.T) {
	var cheap []kind
	for _, k := range counterKinds(t) {
		if !k.build {
			cheap = append(cheap, k)
		}
	}
	classDir := t.TempDir()
	for i := range 3 {
		dir := filepath.Join(classDir, fmt.Sprintf("s%d", i))
		require.NoError(t, os.Mkdir(dir, 0o755))
		cheap[i%len(cheap)].make(t, dir)
	}
	var out, errOut bytes.Buffer
	app := &runner.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, StdoutTTY: true, Width: 100,
		Getenv: func(string) string { return "" }, StatePath: filepath.Join(t.TempDir(), "progress.json")}
	code := runner.Main(context.Background(), []string{"grade", "--class", classDir, "--only", "1", "--jobs", "1", "--out", filepath.Join(t.TempDir(), "g.csv")}, app)
	require.Equal(t, 0, code, errOut.String())
	s := out.String()
	assert.Contains(t, s, "\r\x1b[Kgraded 0/3  0s elapsed, ? left  grading s0")
	assert.Regexp(t, `\r\x1b\[Kgraded 1/3  \S+ elapsed, ~\S+ left  grading s1`, s)
	assert.NotRegexp(t, `(?m)^1/3 s0:`, s, "no line per student on a terminal")
	assert.Contains(t, s, "3 students, average")
}
