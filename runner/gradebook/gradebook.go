// Package gradebook grades a whole class: it finds the students'
// submissions in a class folder, grades each with a grading function it is
// given (conclab's own engine, exactly as `conclab grade --dir` does), keeps
// each student's result in a state folder so that an interrupted run picks
// up where it stopped, and writes the gradebook (CSV, JSON) and a summary.
package gradebook

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
)

// Version is the version of the JSON gradebook's shape.
const Version = 1

// RosterFile is the optional roster in a class folder.
const RosterFile = "roster.csv"

// Book is a class's gradebook.
type Book struct {
	Version int `json:"version"`
	// Exercises are the exercises graded, in order.
	Exercises []Exercise `json:"exercises"`
	// Students are in the order of their folder names.
	Students []*Entry `json:"students"`
}

// Exercise names one graded exercise and its points.
type Exercise struct {
	Number    int    `json:"number"`
	Slug      string `json:"slug"`
	MaxPoints int    `json:"max_points"`
}

// Entry is one student's grading.
type Entry struct {
	// Folder is the submission's folder name in the class folder.
	Folder string `json:"folder"`
	// Name is the student's name from the roster ("" without one).
	Name string `json:"name,omitempty"`
	// Graded lists the exercises asked for (their ids, "01-counter"):
	// a result kept in the state folder is reused only for the same list.
	Graded []string `json:"graded"`
	// Report is the grading report, the same as `conclab grade --format
	// json` gives for this submission alone.
	Report *grade.Result `json:"report"`
}

// Student is one submission folder of a class.
type Student struct {
	Folder string // the folder's name
	Name   string // from the roster, or ""
	Dir    string // the folder's absolute path
}

// Discover lists the submissions of the class folder dir: every folder in
// it but hidden ones and skip (the state folder, when it is inside), in
// the order of their names, with the names from dir's roster.csv if any.
func Discover(dir string, skip ...string) ([]Student, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("no class folder %s", dir)
	}
	roster, err := readRoster(filepath.Join(abs, RosterFile))
	if err != nil {
		return nil, err
	}
	var out []Student
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(abs, name)
		if strings.HasPrefix(name, ".") || slices.Contains(skip, p) {
			continue
		}
		// A symbolic link to a folder counts: clones are often linked in.
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			continue
		}
		out = append(out, Student{Folder: name, Name: roster[name], Dir: p})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no submissions in %s: it should hold one folder per student", dir)
	}
	return out, nil
}

// readRoster reads a roster: CSV with a header row naming at least the
// columns folder and name (in any order; other columns are ignored). A
// GitHub Classroom roster's github_username column stands for folder
// when there is no folder column. No file: no names.
func readRoster(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	fi, ok := col["folder"]
	if !ok {
		fi, ok = col["github_username"]
	}
	ni, okName := col["name"]
	if !ok || !okName {
		return nil, fmt.Errorf("%s: the header must name the columns folder and name (found %s)", path, strings.Join(header, ","))
	}
	names := map[string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if fi < len(rec) && ni < len(rec) && strings.TrimSpace(rec[fi]) != "" {
			names[strings.TrimSpace(rec[fi])] = strings.TrimSpace(rec[ni])
		}
	}
}

// Failed is the report of a submission that could not be graded at all
// (grade.Grade's error: an empty folder, nothing to grade): every exercise
// asked for is not submitted, 0 points, with err as its message, so the
// student still gets a row. Its maximum points are left at 0 (no test
// was listed): the gradebook's columns take theirs from the other rows.
func Failed(exs []exercises.Exercise, err error) *grade.Result {
	res := &grade.Result{Version: grade.ReportVersion}
	for _, ex := range exs {
		res.Exercises = append(res.Exercises, &grade.ExerciseResult{
			Number: ex.Number, Slug: ex.Slug, Title: ex.Title,
			Verdict: grade.NotSubmitted, Message: err.Error(), Tests: []*grade.TestResult{}, Notes: []string{},
		})
	}
	return res
}

// IDs are the ids of exs, as an Entry's Graded.
func IDs(exs []exercises.Exercise) []string {
	var ids []string
	for _, ex := range exs {
		ids = append(ids, ex.Dir())
	}
	return ids
}

// exercisesOf lists the exercises of the book's entries, in number order,
// each with its most common maximum (reports agree unless one failed).
func exercisesOf(entries []*Entry) []Exercise {
	byNum := map[int]*Exercise{}
	for _, e := range entries {
		if e.Report == nil {
			continue
		}
		for _, er := range e.Report.Exercises {
			x := byNum[er.Number]
			if x == nil {
				x = &Exercise{Number: er.Number, Slug: er.Slug}
				byNum[er.Number] = x
			}
			x.MaxPoints = max(x.MaxPoints, er.MaxPoints)
		}
	}
	var out []Exercise
	for _, x := range byNum {
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b Exercise) int { return a.Number - b.Number })
	return out
}

// New makes the book of entries, sorted by folder.
func New(entries []*Entry) *Book {
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b *Entry) int { return strings.Compare(a.Folder, b.Folder) })
	return &Book{Version: Version, Exercises: exercisesOf(entries), Students: entries}
}

// find is the result of exercise number n in r, or nil.
func find(r *grade.Result, n int) *grade.ExerciseResult {
	if r == nil {
		return nil
	}
	for _, er := range r.Exercises {
		if er.Number == n {
			return er
		}
	}
	return nil
}

// Shard is the i-th of n shards of students (1 <= i <= n), taken in the
// order of their folder names, every n-th from the i-th: the same split
// on every machine, whatever order the folders were listed in, and the
// shards' sizes differ by one at most.
func Shard(students []Student, i, n int) []Student {
	sorted := slices.Clone(students)
	slices.SortFunc(sorted, func(a, b Student) int { return strings.Compare(a.Folder, b.Folder) })
	var out []Student
	for k, s := range sorted {
		if k%n == i-1 {
			out = append(out, s)
		}
	}
	return out
}

// ParseShard reads "i/n" (1 <= i <= n).
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		i, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("--shard %q: want i/n with 1 <= i <= n, e.g. 2/4", s)
	}
	return i, n, nil
}
