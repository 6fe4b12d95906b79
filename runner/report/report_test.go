package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/runner/grade"
	"github.com/conclab/conclab/runner/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// hostile is what a submission may print: an escape sequence that
// turns the log red, BEL, a carriage return that overwrites the line,
// NUL, a byte of invalid UTF-8, a C1 control (CSI), a bidi override and
// a GitHub workflow command at the start of a line.
const hostile = "got \x1b[31mred\x1b[0m\a, \rover\x00written \xff\xfe \u009b2J \u202eevil\n::stop-commands::x"

// hostileShown is hostile as every report shows it.
const hostileShown = `got \x1b[31mred\x1b[0m\x07, \x0dover\x00written ` + "\uFFFD\uFFFD" + ` \u009b2J \u202eevil` + "\n" + `\x3a:stop-commands::x`

func hostileResult() *grade.Result {
	return &grade.Result{
		Version: grade.ReportVersion, Started: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		Duration: 2.5, Points: 1, MaxPoints: 7,
		Exercises: []*grade.ExerciseResult{{
			Number: 1, Slug: "counter", Title: "A counter safe for concurrent use",
			Verdict: grade.Race, Message: "a data race: " + hostile, Points: 1, MaxPoints: 7, Duration: 2.5,
			Tests: []*grade.TestResult{
				{Name: "TestZeroValueCountsFromZero", Verdict: grade.Pass, Points: 1, MaxPoints: 1, Duration: 0.1},
				{Name: "TestIncFromManyGoroutines", Verdict: grade.Race, Message: "race: " + hostile, MaxPoints: 2, Duration: 1.2, Output: "test output " + hostile},
			},
			Locations: []grade.Location{{
				File: "exercises/01-counter/counter.go", Line: 12, What: "write by goroutine 8 " + hostile,
				Code: []string{"11| func (c *Counter) Inc() {", ">12| \tc.n++ // " + hostile, "13| }"},
			}},
			Explanation: []string{"Two goroutines touched c.n at once: " + hostile},
			Notes:       []string{"note " + hostile},
			Hint:        1,
			Output:      "=== RUN   TestIncFromManyGoroutines\n" + hostile + "\n",
		}},
	}
}

// controls finds what must never reach a terminal from a report: C0
// controls but newline and tab, DEL, C1 controls, bidi controls.
var controls = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

// assertShownSafely checks the text a report carries (as a reader of
// its format gets it) for the learner's hostile text.
func assertShownSafely(t *testing.T, format, text string) {
	t.Helper()
	assert.True(t, utf8.ValidString(text), "%s: the report is valid UTF-8", format)
	if loc := controls.FindStringIndex(text); loc != nil {
		assert.Fail(t, "a control character in a report", "%s: %q at %d: ...%q...", format, text[loc[0]:loc[1]], loc[0], text[max(0, loc[0]-40):min(len(text), loc[1]+40)])
	}
	for _, esc := range []string{`\x1b[31m`, `\x07`, `\x0d`, `\x00`, "\uFFFD", `\u009b`, `\u202e`} {
		assert.Contains(t, text, esc, "%s: the learner's control characters show as escapes", format)
	}
	for line := range strings.SplitSeq(text, "\n") {
		assert.False(t, strings.HasPrefix(strings.TrimSpace(line), "::stop-commands"), "%s: the learner's text cannot start a workflow command: %q", format, line)
	}
}

func TestTextShowsControlCharactersAsEscapes(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.Text(&b, hostileResult(), report.Options{Verbose: true}))
	assertShownSafely(t, "text", b.String())
	assert.Contains(t, b.String(), hostileShown, "the message is shown whole, escaped")
	golden(t, "hostile.txt", b.Bytes())
}

// TestTextColoursStillWork: the learner's text is escaped before the
// theme colours it, so the report's own colours stay and are the only
// escape sequences in it.
func TestTextColoursStillWork(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.Text(&b, hostileResult(), report.Options{Verbose: true, Theme: colours{}}))
	out := b.String()
	sgr := regexp.MustCompile("\x1b\\[[0-9;]*m")
	assert.True(t, strings.HasPrefix(out, "\x1b[1;31mRACE\x1b["), "the verdict keeps the theme's colour: %q", out)
	assert.Contains(t, out, "\x1b[2mnote: note "+`got \x1b[31mred`, "a dimmed note is escaped inside its colour")
	assertShownSafely(t, "coloured text", sgr.ReplaceAllString(out, ""))
}

func TestJSONCarriesTheSanitisedText(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.JSON(&b, hostileResult()))
	assert.True(t, utf8.Valid(b.Bytes()), "JSON is valid UTF-8")
	assert.NotRegexp(t, controls, b.String(), "JSON escapes every control character")
	var got grade.Result
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	e := got.Exercises[0]
	for what, s := range map[string]string{
		"message": e.Message, "explanation": strings.Join(e.Explanation, "\n"), "output": e.Output,
		"code": strings.Join(e.Locations[0].Code, "\n"), "what": e.Locations[0].What, "note": strings.Join(e.Notes, "\n"),
		"test message": e.Tests[1].Message,
	} {
		assertShownSafely(t, "json "+what, s)
	}
	assert.Equal(t, "a data race: "+hostileShown, e.Message, "JSON carries the same text as the other formats")
	golden(t, "hostile.json", b.Bytes())
}

func TestJUnitShowsControlCharactersAsEscapes(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.JUnit(&b, hostileResult()))
	var parsed struct {
		Suites []struct {
			Cases []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
			SystemOut string `xml:"system-out"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &parsed), "the JUnit report is well-formed XML:\n%s", b.String())
	c := parsed.Suites[0].Cases[1]
	require.NotNil(t, c.Failure)
	assertShownSafely(t, "junit message", c.Failure.Message)
	assertShownSafely(t, "junit explanation and code", c.Failure.Text)
	assertShownSafely(t, "junit test output", c.SystemOut)
	assertShownSafely(t, "junit suite output", parsed.Suites[0].SystemOut)
	first, _, _ := strings.Cut(hostileShown, "\n")
	assert.Equal(t, "race: "+first, c.Failure.Message, "the message attribute is the message's first line")
	assert.Contains(t, c.Failure.Text, "race: "+hostileShown, "the body carries the whole message")
	golden(t, "hostile.xml", b.Bytes())
}

func TestGitHubShowsControlCharactersAsEscapes(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.GitHub(&b, hostileResult()))
	out := b.String()
	assert.NotRegexp(t, controls, out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2, "one annotation and the summary: the learner's newlines are %%0A: %q", out)
	assert.True(t, strings.HasPrefix(lines[0], "::error file=exercises/01-counter/counter.go,line=12,"), lines[0])
	// The title is a property, escaped with %3A: the data follows the
	// second "::".
	data := lines[0][strings.Index(lines[0][2:], "::")+4:]
	data = strings.NewReplacer("%0A", "\n", "%0D", "\r", "%25", "%").Replace(data)
	assertShownSafely(t, "github annotation", data)
	golden(t, "hostile.github", b.Bytes())
}

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text\twith a tab\n", "plain text\twith a tab\n"},
		{"héllo, 世界 ✓ \uFFFD", "héllo, 世界 ✓ \uFFFD"},
		{"\x1b[2J", `\x1b[2J`},
		{"a\rb", `a\x0db`},
		{"\x00\x7f", `\x00\x7f`},
		{"\xc3", "\uFFFD"},
		{"\u0085\u009b", `\u0085\u009b`},
		{"abc\u202edef\u2066", `abc\u202edef\u2066`},
		{"line\u2028sep", `line\u2028sep`},
		{"::error::x", `\x3a:error::x`},
		{"ok\n  \t::add-mask::x", "ok\n  \t" + `\x3a:add-mask::x`},
		{"a::b :: c", "a::b :: c"},
		{"x ##[add-mask]secret", `x \x23#[add-mask]secret`},
	} {
		assert.Equal(t, tc.want, report.Sanitize(tc.in), "Sanitize(%q)", tc.in)
	}
}

// TestEveryStringIsSanitised fills every string of a Result, the ones
// added after this test was written included, with an escape sequence:
// no format may show any of them raw.
func TestEveryStringIsSanitised(t *testing.T) {
	res := &grade.Result{Exercises: []*grade.ExerciseResult{{
		Tests:     []*grade.TestResult{{}, {}},
		Locations: []grade.Location{{Code: []string{""}}},
	}}}
	fill(reflect.ValueOf(res).Elem(), "\x1b]0;pwned\a")
	res.Exercises[0].Verdict = grade.Fail
	res.Exercises[0].Tests[0].Verdict = grade.Fail
	res.Exercises[0].Tests[1].Verdict = grade.Pass
	for _, format := range report.Formats {
		var b bytes.Buffer
		require.NoError(t, report.Write(&b, format, res, report.Options{Verbose: true}))
		out := b.String()
		if format == "json" {
			var got any
			require.NoError(t, json.Unmarshal(b.Bytes(), &got))
			out = dump(got)
		}
		assert.NotContains(t, out, "\x1b", "%s: a raw ESC in the report", format)
		assert.NotContains(t, out, "\a", "%s: a raw BEL in the report", format)
	}
}

// fill sets every exported string in v, and in what it holds, to s.
func fill(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(s)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			fill(v.Elem(), s)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String && v.CanSet() && v.Len() == 0 {
			v.Set(reflect.ValueOf([]string{s}).Convert(v.Type()))
		}
		for i := range v.Len() {
			fill(v.Index(i), s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), s)
			}
		}
	}
}

// dump is every string in a decoded JSON value, one a line.
func dump(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v + "\n")
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}

// colours is a theme with real escape sequences, as a terminal gets.
type colours struct{}

func paint(text string, attrs ...color.Attribute) string {
	c := color.New(attrs...)
	c.EnableColor()
	return c.Sprint(text)
}

func (colours) Lane(_ int, text string) string { return paint(text, color.FgCyan) }
func (colours) Heading(text string) string     { return paint(text, color.Bold, color.Underline) }
func (colours) Finding(text string) string     { return paint(text, color.Bold, color.FgGreen) }
func (colours) Warning(text string) string     { return paint(text, color.Bold, color.FgRed) }
func (colours) Dim(text string) string         { return paint(text, color.Faint) }

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file: run go test ./runner/report/ -update and review testdata/%s", name)
	assert.Equal(t, string(want), string(got), "the report differs from testdata/%s (go test -update rewrites it)", name)
}
