package report_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

// mixedResult is a report with a passed exercise, a race with a
// location, a build error with a multi-line message and an exercise not
// submitted (no tests).
func mixedResult() *grade.Result {
	return &grade.Result{
		Version: grade.ReportVersion, Duration: 3.25, Points: 4, MaxPoints: 20,
		Exercises: []*grade.ExerciseResult{
			{Number: 1, Slug: "counter", Verdict: grade.Pass, Points: 4, MaxPoints: 4, Duration: 1.5, Tests: []*grade.TestResult{
				{Name: "TestA", Verdict: grade.Pass, Points: 1, MaxPoints: 1, Duration: 0.25},
				{Name: "TestB", Verdict: grade.Pass, Points: 3, MaxPoints: 3, Duration: 1.125},
			}},
			{Number: 2, Slug: "ledger", Verdict: grade.Race, Message: "a data race", MaxPoints: 6, Duration: 2, Tests: []*grade.TestResult{
				{Name: "TestOK", Verdict: grade.Pass, Points: 2, MaxPoints: 2, Duration: 0.5},
				{Name: "TestRace", Verdict: grade.Race, Message: "race on l.total\nsecond line", MaxPoints: 4, Duration: 1.5,
					Locations: []grade.Location{{File: "exercises/02-ledger/ledger.go", Line: 21, What: "write"}}},
			}, Locations: []grade.Location{{File: "exercises/02-ledger/ledger.go", Line: 21, What: "write by goroutine 7"}},
				Explanation: []string{"Two goroutines wrote l.total at once."}},
			{Number: 3, Slug: "rwstore", Verdict: grade.BuildError, Message: "store.go:3:1: syntax error\nstore.go:9:2: undefined: x", MaxPoints: 8, Tests: []*grade.TestResult{
				{Name: "TestGet", Verdict: grade.BuildError, MaxPoints: 8},
			}},
			{Number: 4, Slug: "transfer", Verdict: grade.NotSubmitted, Message: "transfer.go is missing", MaxPoints: 2, Tests: []*grade.TestResult{}},
		},
	}
}

// TestJUnitShape parses the JUnit report and checks what CI readers use:
// a testsuite per exercise, each testcase's classname, file (the
// learner's) and time in seconds, a one-line failure message with the
// error text in the body.
func TestJUnitShape(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.JUnit(&b, mixedResult()))
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Time  string `xml:"time,attr"`
			Cases []struct {
				Name      string   `xml:"name,attr"`
				Classname string   `xml:"classname,attr"`
				File      string   `xml:"file,attr"`
				Time      string   `xml:"time,attr"`
				Failure   *failure `xml:"failure"`
				Error     *failure `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc), b.String())
	require.Len(t, doc.Suites, 4, "a testsuite per exercise")
	names := []string{"01-counter", "02-ledger", "03-rwstore", "04-transfer"}
	files := []string{"exercises/01-counter/counter.go", "exercises/02-ledger/ledger.go", "exercises/03-rwstore/rwstore.go", "exercises/04-transfer/transfer.go"}
	for i, s := range doc.Suites {
		assert.Equal(t, names[i], s.Name)
		assert.Equal(t, len(s.Cases), s.Tests)
		for _, c := range s.Cases {
			assert.Equal(t, s.Name, c.Classname, "%s/%s", s.Name, c.Name)
			assert.Equal(t, files[i], c.File, "%s/%s: the learner's file", s.Name, c.Name)
			_, err := strconv.ParseFloat(c.Time, 64)
			assert.NoError(t, err, "%s/%s: time in seconds", s.Name, c.Name)
			for _, f := range []*failure{c.Failure, c.Error} {
				if f != nil {
					assert.NotContains(t, f.Message, "\n", "%s/%s: the message is one line", s.Name, c.Name)
					assert.NotEmpty(t, f.Text, "%s/%s: the error text is in the body", s.Name, c.Name)
				}
			}
		}
	}
	assert.Equal(t, "0.250", doc.Suites[0].Cases[0].Time)
	race := doc.Suites[1].Cases[1]
	require.NotNil(t, race.Failure)
	assert.Equal(t, "race on l.total", race.Failure.Message)
	assert.Equal(t, "race", race.Failure.Type)
	assert.Contains(t, race.Failure.Text, "second line")
	assert.Contains(t, race.Failure.Text, "exercises/02-ledger/ledger.go:21")
	build := doc.Suites[2].Cases[0]
	require.NotNil(t, build.Error, "a build error is an <error>")
	assert.Equal(t, "store.go:3:1: syntax error", build.Error.Message)
	assert.Contains(t, build.Error.Text, "undefined: x")
	require.Len(t, doc.Suites[3].Cases, 1, "an exercise without tests is one case")
	assert.Equal(t, "(package)", doc.Suites[3].Cases[0].Name)
	require.NotNil(t, doc.Suites[3].Cases[0].Failure)
}

// TestClassroomDecodes: the classroom format is base64 of the JSON the
// GitHub Classroom reporter reads, with its documented fields, and the
// scores add up to the report's points.
func TestClassroomDecodes(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.Classroom(&b, mixedResult()))
	line := strings.TrimSpace(b.String())
	assert.NotContains(t, line, "\n", "one line, for a step output")
	raw, err := base64.StdEncoding.DecodeString(line)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, float64(1), doc["version"])
	assert.Equal(t, "fail", doc["status"])
	assert.Equal(t, float64(20), doc["max_score"])
	tests, ok := doc["tests"].([]any)
	require.True(t, ok)
	require.Len(t, tests, 6)
	score := 0.0
	for _, x := range tests {
		tc := x.(map[string]any)
		for _, k := range []string{"name", "status", "score", "message", "filename", "line_no", "duration"} {
			assert.Contains(t, tc, k, "%v", tc["name"])
		}
		assert.Contains(t, []any{"pass", "fail", "error"}, tc["status"])
		score += tc["score"].(float64)
	}
	assert.Equal(t, float64(4), score, "the scores add up to the points (a race takes the exercise's)")
	race := tests[3].(map[string]any)
	assert.Equal(t, "02-ledger TestRace", race["name"])
	assert.Equal(t, "fail", race["status"])
	assert.Equal(t, "race on l.total", race["message"])
	assert.Equal(t, "exercises/02-ledger/ledger.go", race["filename"])
	assert.Equal(t, float64(21), race["line_no"])
	assert.Equal(t, float64(1500), race["duration"], "milliseconds")
	assert.Equal(t, "error", tests[4].(map[string]any)["status"], "a build error is an error")
	assert.Equal(t, "04-transfer", tests[5].(map[string]any)["name"])
}

// TestGitHubAtMostTenAnnotations: with more failures than GitHub shows,
// the learner's lines come first and one last annotation names the rest.
func TestGitHubAtMostTenAnnotations(t *testing.T) {
	res := &grade.Result{Version: grade.ReportVersion}
	for n := 1; n <= 6; n++ {
		// Odd exercises fail without a location, even ones at 3 lines.
		e := &grade.ExerciseResult{Number: n, Slug: "ex" + strconv.Itoa(n), Verdict: grade.Fail, Message: "failed"}
		if n%2 == 0 {
			for l := 1; l <= 3; l++ {
				e.Locations = append(e.Locations, grade.Location{File: "exercises/x.go", Line: 10*n + l, What: "here"})
			}
		}
		res.Exercises = append(res.Exercises, e)
	}
	var b bytes.Buffer
	require.NoError(t, report.GitHub(&b, res))
	var errs []string
	for l := range strings.SplitSeq(b.String(), "\n") {
		if strings.HasPrefix(l, "::error") {
			errs = append(errs, l)
		}
	}
	require.Len(t, errs, report.MaxAnnotations, b.String())
	for _, l := range errs[:9] {
		assert.True(t, strings.HasPrefix(l, "::error file=exercises/x.go,line="), "the learner's lines first: %s", l)
	}
	last := errs[9]
	assert.Contains(t, last, "title=3 more failures::")
	assert.Contains(t, last, "exercise 1 ex1")
	assert.Contains(t, last, "exercise 5 ex5")
}

func TestMarkdownTable(t *testing.T) {
	var b bytes.Buffer
	res := mixedResult()
	res.Exercises[1].Message = "a | pipe <b>"
	require.NoError(t, report.Markdown(&b, res))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	assert.Equal(t, "### conclab: 4/20 points", lines[0])
	require.Len(t, lines, 2+2+4)
	assert.Equal(t, "| 1 counter | ✅ pass | 4/4 |  |", lines[4])
	assert.Equal(t, `| 2 ledger | ❌ race | 0/6 | exercises/02-ledger/ledger.go:21 a \| pipe &lt;b&gt; |`, lines[5])
}
