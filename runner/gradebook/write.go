package gradebook

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

// Formats are the gradebook formats Write accepts.
var Formats = []string{"csv", "json"}

// Write writes b to w in format.
func Write(w io.Writer, format string, b *Book) error {
	switch format {
	case "csv":
		return CSV(w, b)
	case "json":
		return JSON(w, b)
	}
	return fmt.Errorf("unknown gradebook format %q; valid: %s", format, strings.Join(Formats, ", "))
}

// Header is the CSV gradebook's header for b: folder, name, the points of
// each exercise (its column named NN-slug), total, max_points, then the
// verdict of each exercise (NN-slug verdict: empty when it passed).
func Header(b *Book) []string {
	h := []string{"folder", "name"}
	for _, x := range b.Exercises {
		h = append(h, fmt.Sprintf("%02d-%s", x.Number, x.Slug))
	}
	h = append(h, "total", "max_points")
	for _, x := range b.Exercises {
		h = append(h, fmt.Sprintf("%02d-%s verdict", x.Number, x.Slug))
	}
	return h
}

// CSV writes b as one row per student (see Header).
func CSV(w io.Writer, b *Book) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header(b)); err != nil {
		return err
	}
	maxTotal := 0
	for _, x := range b.Exercises {
		maxTotal += x.MaxPoints
	}
	for _, e := range b.Students {
		row := []string{cell(e.Folder), cell(e.Name)}
		var verdicts []string
		total := 0
		for _, x := range b.Exercises {
			er := find(e.Report, x.Number)
			switch {
			case er == nil:
				row = append(row, "")
				verdicts = append(verdicts, "not graded")
			default:
				row = append(row, strconv.Itoa(er.Points))
				total += er.Points
				v := ""
				if er.Verdict != grade.Pass {
					v = string(er.Verdict)
				}
				verdicts = append(verdicts, v)
			}
		}
		row = append(row, strconv.Itoa(total), strconv.Itoa(maxTotal))
		row = append(row, verdicts...)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell makes a student's text safe in a spreadsheet: no control
// characters, and no leading =, +, - or @ that a spreadsheet would run as
// a formula (a folder is named by whoever made the repository).
func cell(s string) string {
	s = report.Sanitize(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return s
}

// JSON writes b as indented JSON: version, exercises, and per student the
// folder, the name and the report `conclab grade --format json` gives.
func JSON(w io.Writer, b *Book) error {
	out := *b
	out.Students = make([]*Entry, len(b.Students))
	for i, e := range b.Students {
		c := *e
		c.Folder, c.Name = report.Sanitize(e.Folder), report.Sanitize(e.Name)
		c.Report = report.Sanitized(e.Report)
		out.Students[i] = &c
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}

// Read reads a JSON gradebook.
func Read(r io.Reader) (*Book, error) {
	var b Book
	if err := json.NewDecoder(r).Decode(&b); err != nil {
		return nil, err
	}
	if b.Version != Version {
		return nil, fmt.Errorf("gradebook version %d; this conclab reads version %d", b.Version, Version)
	}
	return &b, nil
}

// ReadFile reads the JSON gradebook in path.
func ReadFile(path string) (*Book, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// Merge joins the books of shards of one class. A student in two books
// is an error: the shards overlap.
func Merge(books ...*Book) (*Book, error) {
	seen := map[string]bool{}
	var all []*Entry
	for _, b := range books {
		for _, e := range b.Students {
			if seen[e.Folder] {
				return nil, fmt.Errorf("%s is in two of the gradebooks: shards of one class never overlap", e.Folder)
			}
			seen[e.Folder] = true
			all = append(all, e)
		}
	}
	return New(all), nil
}

// Summary writes a few lines about the class: the average total and, per
// exercise, the average points, how many passed and the commonest way of
// failing ("exercise 4 transfer: 11 of 30 deadlock").
func Summary(w io.Writer, b *Book) error {
	var s strings.Builder
	n := len(b.Students)
	maxTotal, total := 0, 0
	for _, x := range b.Exercises {
		maxTotal += x.MaxPoints
	}
	for _, e := range b.Students {
		if e.Report != nil {
			for _, er := range e.Report.Exercises {
				total += er.Points
			}
		}
	}
	fmt.Fprintf(&s, "%d student%s, average %.1f/%d points\n", n, plural(n), avg(total, n), maxTotal)
	for _, x := range b.Exercises {
		points, passed := 0, 0
		verdicts := map[grade.Verdict]int{}
		for _, e := range b.Students {
			er := find(e.Report, x.Number)
			switch {
			case er == nil:
				verdicts["not graded"]++
			case er.Verdict == grade.Pass:
				passed++
				points += er.Points
			default:
				points += er.Points
				verdicts[er.Verdict]++
			}
		}
		fmt.Fprintf(&s, "exercise %d %s: average %.1f/%d, %d of %d passed", x.Number, x.Slug, avg(points, n), x.MaxPoints, passed, n)
		if len(verdicts) > 0 {
			// The commonest failure; ties go to the verdict first by name,
			// so that the summary is the same every time.
			vs := slices.SortedFunc(maps.Keys(verdicts), func(a, c grade.Verdict) int {
				return cmp.Or(verdicts[c]-verdicts[a], strings.Compare(string(a), string(c)))
			})
			fmt.Fprintf(&s, "; commonest failure: %d of %d %s", verdicts[vs[0]], n, vs[0])
		}
		s.WriteString("\n")
	}
	_, err := io.WriteString(w, s.String())
	return err
}

func avg(sum, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
