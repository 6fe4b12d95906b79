package runner_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

// submitted is what the end-to-end test put in the submission for one
// exercise, and the verdict it expects.
type submitted struct {
	what     string
	want     grade.Verdict // "" : anything but pass
	tampered bool
	huge     bool
}

// TestGradeSubmission grades a submission folder that mixes reference
// solutions, deliberately wrong ones, an untouched stub whose test file
// was "fixed" to pass (ignored and reported) and a solution that prints
// 10 MB (capped, and still graded), through `conclab grade` itself. The
// JSON report is checked against its documented shape and the JUnit
// report is parsed back as XML.
func TestGradeSubmission(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every exercise under -race")
	}
	all := exercises.All()
	require.NotEmpty(t, all, "no exercises in the catalog")
	sub := t.TempDir()
	plan := map[string]submitted{}
	wrongOrder := []grade.Verdict{grade.Deadlock, grade.Panic, grade.Leak, grade.Race, grade.Fail}
	for i, ex := range all {
		dir := filepath.Join(sub, ex.Dir())
		require.NoError(t, os.MkdirAll(dir, 0o755))
		var s submitted
		switch i % 3 {
		case 0:
			s = submitted{what: "reference solution", want: grade.Pass, huge: i == 0}
			for _, f := range ex.Files {
				b, err := fs.ReadFile(os.DirFS(solutionsDir), ex.Dir()+"/"+f)
				require.NoError(t, err, "reference solution of %s", ex.ID())
				if s.huge {
					// 10 MB on stderr before the tests run: the report
					// must cap it (at 256 KiB), and grading must still
					// finish. (The exercise's time limit covers init, so
					// a flood that takes longer is a timeout, rightly.)
					b = append(b, "\nfunc init() {\n\tfor range 100_000 {\n\t\tprintln(\"a submission that prints a hundred bytes at a time, a million times over, to flood the grader\")\n\t}\n}\n"...)
				}
				writeFile(t, filepath.Join(dir, f), b)
			}
		case 1:
			name, want := pickWrong(t, ex, wrongOrder[(i/3)%len(wrongOrder)])
			s = submitted{what: "wrong solution " + name, want: want}
			b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/testdata/wrong/"+name)
			require.NoError(t, err)
			writeFile(t, filepath.Join(dir, ex.Files[0]), b)
		case 2:
			// The untouched stub, with its tests "fixed" to pass.
			s = submitted{what: "stub with tampered tests", tampered: true}
			entries, err := fs.ReadDir(exercises.Canonical, ex.Dir())
			require.NoError(t, err)
			for _, e := range entries {
				b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/"+e.Name())
				if err != nil || !strings.HasSuffix(e.Name(), ".go") {
					continue
				}
				if strings.HasSuffix(e.Name(), "_test.go") {
					b = regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\) \{`).ReplaceAll(b, []byte("func $1(t *testing.T) {\n\treturn"))
				}
				writeFile(t, filepath.Join(dir, e.Name()), b)
			}
		}
		plan[ex.Slug] = s
	}

	out := filepath.Join(t.TempDir(), "report.json")
	start := time.Now()
	code, stdout, stderr := run(t, "grade", "--dir", sub, "--format", "json", "--out", out)
	t.Logf("grade took %v", time.Since(start).Round(time.Millisecond))
	assert.Equal(t, 1, code, "a submission with wrong solutions must exit 1; stderr: %s", stderr)
	assert.Contains(t, stdout, "exercises passed", "the text summary goes to stdout when --out is given")

	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	validateJSON(t, raw)
	var res grade.Result
	require.NoError(t, json.Unmarshal(raw, &res))
	require.Len(t, res.Exercises, len(all))
	for _, er := range res.Exercises {
		s := plan[er.Slug]
		switch {
		case s.want == "":
			assert.NotEqual(t, grade.Pass, er.Verdict, "%s (%s) must not pass", er.Slug, s.what)
		default:
			assert.Equal(t, s.want, er.Verdict, "%s (%s): %s\n%s", er.Slug, s.what, er.Message, strings.Join(er.Explanation, "\n"))
		}
		if s.want == grade.Pass {
			assert.Equal(t, er.MaxPoints, er.Points, "%s passed: full points", er.Slug)
		}
		if s.want != grade.Pass && s.want != "" && s.want != grade.Fail {
			assert.NotEmpty(t, er.Explanation, "%s (%s) failed with %s but nothing explains it", er.Slug, s.what, er.Verdict)
		}
		if s.tampered {
			assert.True(t, slices.ContainsFunc(er.Notes, func(n string) bool { return strings.Contains(n, "differs from the canonical copy") }),
				"%s: the tampered test file must be reported, notes: %v", er.Slug, er.Notes)
		}
		if s.huge {
			assert.True(t, er.Truncated, "%s printed 10 MB: its output must be truncated", er.Slug)
			assert.Less(t, len(er.Output), 2<<20, "%s: the report must carry the capped output only", er.Slug)
		}
	}

	var junit bytes.Buffer
	require.NoError(t, report.JUnit(&junit, &res))
	var parsed struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
				Error *struct{} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &parsed), "the JUnit report must be well-formed XML")
	require.Len(t, parsed.Suites, len(all), "one testsuite per exercise")
	for i, s := range parsed.Suites {
		failed := 0
		for _, c := range s.Cases {
			if c.Failure != nil || c.Error != nil {
				failed++
			}
		}
		if res.Exercises[i].Verdict == grade.Pass {
			assert.Zero(t, failed, "suite %s passed: no failures expected", s.Name)
		} else {
			assert.NotZero(t, failed, "suite %s failed (%s): at least one failing testcase expected", s.Name, res.Exercises[i].Verdict)
		}
	}

	var gh bytes.Buffer
	require.NoError(t, report.GitHub(&gh, &res))
	for line := range strings.SplitSeq(strings.TrimSpace(gh.String()), "\n") {
		if strings.HasPrefix(line, "::error file=") {
			assert.Regexp(t, `^::error file=[^,]+\.go,line=\d+,title=[^:]+::.+`, line, "GitHub annotations point at a file and line")
		}
	}
}

// pickWrong chooses the exercise's wrong solution that expects want, or
// its first one.
func pickWrong(t *testing.T, ex exercises.Exercise, want grade.Verdict) (string, grade.Verdict) {
	t.Helper()
	entries, err := fs.ReadDir(exercises.Canonical, ex.Dir()+"/testdata/wrong")
	require.NoError(t, err)
	require.NotEmpty(t, entries, "%s has no wrong solutions", ex.ID())
	var first string
	var firstWant grade.Verdict
	for _, e := range entries {
		b, err := fs.ReadFile(exercises.Canonical, ex.Dir()+"/testdata/wrong/"+e.Name())
		require.NoError(t, err)
		line, _, _ := strings.Cut(string(b), "\n")
		v := grade.Verdict(strings.TrimSpace(strings.TrimPrefix(line, "// want:")))
		if first == "" {
			first, firstWant = e.Name(), v
		}
		if v == want {
			return e.Name(), v
		}
	}
	return first, firstWant
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// validateJSON checks the report against the shape documented in README
// ("Grading reports").
func validateJSON(t *testing.T, raw []byte) {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc), "the report must be JSON")
	verdicts := []string{"pass", "fail", "race", "deadlock", "leak", "timeout", "panic", "build error", "vet error", "no tests ran"}
	want := func(obj map[string]any, where, key, kind string) any {
		v, ok := obj[key]
		if !assert.True(t, ok, "%s: missing %q", where, key) {
			return nil
		}
		assert.Equal(t, kind, fmt.Sprintf("%T", v), "%s: %q has the wrong type", where, key)
		return v
	}
	assert.Equal(t, float64(grade.ReportVersion), want(doc, "report", "version", "float64"))
	want(doc, "report", "started", "string")
	want(doc, "report", "duration_seconds", "float64")
	want(doc, "report", "passed", "bool")
	want(doc, "report", "points", "float64")
	want(doc, "report", "max_points", "float64")
	exs, _ := want(doc, "report", "exercises", "[]interface {}").([]any)
	for i, e := range exs {
		ex, ok := e.(map[string]any)
		require.True(t, ok, "exercise %d is not an object", i)
		where := fmt.Sprintf("exercises[%d]", i)
		want(ex, where, "number", "float64")
		want(ex, where, "slug", "string")
		want(ex, where, "title", "string")
		assert.Contains(t, verdicts, want(ex, where, "verdict", "string"))
		want(ex, where, "points", "float64")
		want(ex, where, "max_points", "float64")
		want(ex, where, "duration_seconds", "float64")
		tests, _ := want(ex, where, "tests", "[]interface {}").([]any)
		for j, tt := range tests {
			tr := tt.(map[string]any)
			w := fmt.Sprintf("%s.tests[%d]", where, j)
			want(tr, w, "name", "string")
			assert.Contains(t, verdicts, want(tr, w, "verdict", "string"))
			want(tr, w, "points", "float64")
			want(tr, w, "max_points", "float64")
			want(tr, w, "duration_seconds", "float64")
		}
		if locs, ok := ex["locations"].([]any); ok {
			for j, l := range locs {
				loc := l.(map[string]any)
				w := fmt.Sprintf("%s.locations[%d]", where, j)
				want(loc, w, "file", "string")
				want(loc, w, "line", "float64")
				want(loc, w, "what", "string")
			}
		}
	}
}
