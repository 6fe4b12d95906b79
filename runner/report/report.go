// Package report writes a grading result for people (coloured text) and
// for machines (JSON, JUnit XML, GitHub Actions annotations).
package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/grade"
)

// Formats are the names accepted by Write.
var Formats = []string{"text", "json", "junit", "github", "markdown", "classroom"}

// Options adjust the text format.
type Options struct {
	Theme lesson.Theme // Plain if nil
	// Verbose adds each failed exercise's go test output.
	Verbose bool
	// HintCommand is how the learner asks for the next hint, e.g.
	// "conclab hint counter"; %s stands for the exercise's slug.
	HintCommand string
	// NoHints leaves out the pointer to the next hint (diagnose: a
	// package has no hints).
	NoHints bool
	// Noun names what was graded in the summary: "exercises" if empty.
	Noun string
	// NoPoints leaves points out (diagnose: a package's tests are
	// findings, not a grade).
	NoPoints bool
	// Width, when not zero, is the terminal's width: the text report's
	// long lines (messages, explanations, notes) are wrapped to fit it,
	// each continuation indented under its line's text.
	Width int
}

// Write writes res to w in format.
func Write(w io.Writer, format string, res *grade.Result, opts Options) error {
	switch format {
	case "text":
		return Text(w, res, opts)
	case "json":
		return JSON(w, res)
	case "junit":
		return JUnit(w, res)
	case "github":
		return GitHub(w, res)
	case "markdown":
		return Markdown(w, res)
	case "classroom":
		return Classroom(w, res)
	}
	return fmt.Errorf("unknown format %q; valid: %s", format, strings.Join(Formats, ", "))
}

// JSON writes res as indented JSON (its shape is documented in README,
// "Grading reports").
func JSON(w io.Writer, res *grade.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sanitized(res))
}

// Text writes res for people: a line per exercise with its verdict and
// points, then for each failure what went wrong, where, and the hint.
func Text(w io.Writer, res *grade.Result, opts Options) error {
	res = sanitized(res) // before the theme adds escapes of its own
	th := opts.Theme
	if th == nil {
		th = lesson.Plain{}
	}
	if opts.HintCommand == "" {
		opts.HintCommand = "conclab hint %s"
	}
	var b strings.Builder
	for _, e := range res.Exercises {
		mark := th.Finding("PASS")
		if e.Verdict != grade.Pass {
			mark = th.Warning(strings.ToUpper(string(e.Verdict)))
		}
		if opts.NoPoints {
			fmt.Fprintf(&b, "%s  %s  (%.1fs)\n", mark, e.Slug, e.Duration)
		} else {
			fmt.Fprintf(&b, "%s  %d %s: %s  (%d/%d points, %.1fs)\n", mark, e.Number, e.Slug, e.Title, e.Points, e.MaxPoints, e.Duration)
		}
		if e.Verdict == grade.Pass {
			for _, n := range e.Notes {
				fmt.Fprintf(&b, "    %s\n", th.Dim("note: "+n))
			}
			continue
		}
		if e.Message != "" && !anyTestFailed(e) {
			fmt.Fprintf(&b, "    %s\n", e.Message)
		}
		for _, t := range e.Tests {
			if t.Verdict == grade.Pass {
				fmt.Fprintf(&b, "    %s %s\n", th.Finding("ok  "), t.Name)
				continue
			}
			lines := fit(t.Name+": "+t.Message, opts.Width, 9)
			fmt.Fprintf(&b, "    %s %s\n", th.Warning(fmt.Sprintf("%-4s", short(t.Verdict))), lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(&b, "         %s\n", l)
			}
		}
		if len(e.Explanation) > 0 {
			heading := "What happened"
			if e.Method != "" && (e.Verdict == grade.Deadlock || e.Verdict == grade.Leak || e.Verdict == grade.Timeout) {
				heading += " (blocked goroutines found with the " + e.Method + ")"
			}
			fmt.Fprintf(&b, "  %s\n", th.Heading(heading))
			for _, l := range e.Explanation {
				for _, w := range fit(l, opts.Width, 4) {
					fmt.Fprintf(&b, "    %s\n", w)
				}
			}
		}
		for _, l := range e.Locations {
			place := fmt.Sprintf("%s:%d", l.File, l.Line)
			what := fit(place+" "+l.What, opts.Width, 3) // printed with two spaces after place
			fmt.Fprintf(&b, "  %s  %s\n", place, th.Dim(strings.TrimPrefix(what[0], place+" ")))
			for _, w := range what[1:] {
				fmt.Fprintf(&b, "  %s\n", th.Dim(w))
			}
			for _, c := range l.Code {
				if strings.HasPrefix(c, ">") {
					c = th.Finding(c)
				}
				fmt.Fprintf(&b, "    %s\n", c)
			}
		}
		for _, n := range e.Notes {
			for _, w := range fit("note: "+n, opts.Width, 4) {
				fmt.Fprintf(&b, "    %s\n", th.Dim(w))
			}
		}
		if opts.Verbose && e.Output != "" {
			fmt.Fprintf(&b, "  %s\n", th.Heading("go test output"))
			for l := range strings.SplitSeq(strings.TrimRight(e.Output, "\n"), "\n") {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
		if e.Hint > 0 && !opts.NoHints {
			fmt.Fprintf(&b, "  %s\n", th.Dim(fmt.Sprintf("Stuck? %s shows hint %d of 3.", fmt.Sprintf(opts.HintCommand, e.Slug), e.Hint)))
		}
	}
	passed := 0
	for _, e := range res.Exercises {
		if e.Verdict == grade.Pass {
			passed++
		}
	}
	if opts.Noun == "" {
		opts.Noun = "exercises"
	}
	summary := fmt.Sprintf("%d of %d %s passed, %d/%d points, in %.1fs", passed, len(res.Exercises), opts.Noun, res.Points, res.MaxPoints, res.Duration)
	if opts.NoPoints {
		summary = fmt.Sprintf("%d of %d %s passed, in %.1fs", passed, len(res.Exercises), opts.Noun, res.Duration)
	}
	if res.Passed {
		summary = th.Finding(summary)
	} else {
		summary = th.Warning(summary)
	}
	fmt.Fprintln(&b, summary)
	_, err := io.WriteString(w, b.String())
	return err
}

func anyTestFailed(e *grade.ExerciseResult) bool {
	for _, t := range e.Tests {
		if t.Verdict != grade.Pass {
			return true
		}
	}
	return false
}

func short(v grade.Verdict) string {
	switch v {
	case grade.Deadlock:
		return "dead"
	case grade.Timeout:
		return "time"
	case grade.BuildError:
		return "build"
	case grade.NoTests:
		return "none"
	}
	return string(v)
}

// JUnit XML, in the shape Jenkins, GitLab and GitHub test reporters read:
// one testsuite per exercise, one testcase per graded test.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Cases     []junitCase `xml:"testcase"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type junitCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	// File is the learner's file (GitLab and the GitHub test reporters
	// link the case to it).
	File      string        `xml:"file,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit writes res as JUnit XML. A build or vet error is an <error> on
// every test of the exercise (none of them could run); any other failure
// is a <failure> carrying the verdict as its type.
func JUnit(w io.Writer, res *grade.Result) error {
	res = sanitized(res)
	all := junitSuites{Name: "conclab", Time: secs(res.Duration)}
	for _, e := range res.Exercises {
		s := junitSuite{Name: fmt.Sprintf("%02d-%s", e.Number, e.Slug), Time: secs(e.Duration)}
		details := explanation(e)
		file := LearnerFile(e)
		for _, t := range e.Tests {
			c := junitCase{Name: t.Name, Classname: s.Name, File: file, Time: secs(t.Duration)}
			switch {
			case e.Verdict == grade.BuildError || e.Verdict == grade.VetError:
				// The message is an attribute, shown on one line: the
				// whole text is the element's body.
				c.Error = &junitFailure{Message: oneLine(e.Message), Type: string(e.Verdict), Text: junitBody(e.Message, details)}
				s.Errors++
			case t.Verdict != grade.Pass:
				c.Failure = &junitFailure{Message: oneLine(t.Message), Type: string(t.Verdict), Text: junitBody(t.Message, details)}
				c.SystemOut = clean(t.Output)
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
		}
		if len(e.Tests) == 0 || e.Verdict != grade.Pass && s.Failures+s.Errors == 0 {
			// The exercise failed outside any test (a leak found after
			// them, an early exit): report it as a case of its own.
			c := junitCase{Name: "(package)", Classname: s.Name, File: file, Time: secs(e.Duration)}
			if e.Verdict != grade.Pass {
				c.Failure = &junitFailure{Message: oneLine(e.Message), Type: string(e.Verdict), Text: junitBody(e.Message, details)}
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		if e.Verdict != grade.Pass {
			s.SystemOut = clean(e.Output)
		}
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Errors += s.Errors
		all.Suites = append(all.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitBody is a failure's text: its message when that is more than the
// one line the attribute carries (or there is nothing else to say), then
// the explanation.
func junitBody(msg, details string) string {
	if strings.Contains(strings.TrimSpace(msg), "\n") || details == "" {
		return clean(strings.TrimSpace(msg)) + "\n" + details
	}
	return details
}

func explanation(e *grade.ExerciseResult) string {
	var b strings.Builder
	for _, l := range e.Explanation {
		b.WriteString(l + "\n")
	}
	for _, l := range e.Locations {
		fmt.Fprintf(&b, "%s:%d  %s\n", l.File, l.Line, l.What)
		for _, c := range l.Code {
			b.WriteString("  " + c + "\n")
		}
	}
	for _, n := range e.Notes {
		b.WriteString("note: " + n + "\n")
	}
	return clean(b.String())
}

// clean drops what XML 1.0 cannot carry, which would make the whole
// report unreadable. The report's strings are Sanitize'd already: this
// is the XML writer's own guarantee.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, ""))
}

func secs(s float64) string { return fmt.Sprintf("%.3f", s) }

// MaxAnnotations is how many error annotations GitHub shows for one step
// (it drops the rest).
const MaxAnnotations = 10

// GitHub writes GitHub Actions workflow commands: an ::error annotation
// on each of the learner's lines that a failure points at, and one per
// failed exercise without a location, so the failure shows on the pull
// request's diff. GitHub shows at most MaxAnnotations per step: the
// learner's lines come first, and when there are more, the last shown is
// one annotation naming what was left out.
func GitHub(w io.Writer, res *grade.Result) error {
	res = sanitized(res)
	type annotation struct {
		file, title, msg string
		line             int
	}
	var located, bare []annotation
	for _, e := range res.Exercises {
		if e.Verdict == grade.Pass {
			continue
		}
		title := fmt.Sprintf("exercise %d %s: %s", e.Number, e.Slug, e.Verdict)
		if len(e.Locations) == 0 {
			bare = append(bare, annotation{title: title, msg: e.Message})
			continue
		}
		for _, l := range e.Locations {
			msg := l.What
			if e.Message != "" {
				msg += "\n" + e.Message
			}
			located = append(located, annotation{file: l.File, line: l.Line, title: title, msg: msg})
		}
	}
	all := append(located, bare...)
	if len(all) > MaxAnnotations {
		rest := all[MaxAnnotations-1:]
		var names []string
		for _, a := range rest {
			if a.file != "" {
				names = append(names, fmt.Sprintf("%s:%d (%s)", a.file, a.line, a.title))
			} else {
				names = append(names, a.title)
			}
		}
		all = append(all[:MaxAnnotations-1:MaxAnnotations-1], annotation{
			title: fmt.Sprintf("%d more failures", len(rest)),
			msg:   "GitHub shows 10 annotations a step; the others: " + strings.Join(names, "; "),
		})
	}
	var b strings.Builder
	for _, a := range all {
		if a.file == "" {
			fmt.Fprintf(&b, "::error title=%s::%s\n", escapeProp(a.title), escapeData(a.msg))
			continue
		}
		fmt.Fprintf(&b, "::error file=%s,line=%d,title=%s::%s\n", escapeProp(a.file), a.line, escapeProp(a.title), escapeData(a.msg))
	}
	fmt.Fprintf(&b, "conclab: %d/%d points\n", res.Points, res.MaxPoints)
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown writes res as a Markdown table, a row per exercise (verdict,
// points, what failed), for a CI job's summary page
// ($GITHUB_STEP_SUMMARY).
func Markdown(w io.Writer, res *grade.Result) error {
	res = sanitized(res)
	var b strings.Builder
	fmt.Fprintf(&b, "### conclab: %d/%d points\n\n| exercise | verdict | points | what went wrong |\n|---|---|---:|---|\n", res.Points, res.MaxPoints)
	for _, e := range res.Exercises {
		mark := "✅ pass"
		what := ""
		if e.Verdict != grade.Pass {
			mark = "❌ " + string(e.Verdict)
			what = oneLine(e.Message)
			if len(e.Locations) > 0 {
				what = fmt.Sprintf("%s:%d %s", e.Locations[0].File, e.Locations[0].Line, what)
			}
		}
		fmt.Fprintf(&b, "| %d %s | %s | %d/%d | %s |\n", e.Number, e.Slug, mark, e.Points, e.MaxPoints, cellMD(what))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cellMD keeps text inside its table cell: no pipe, no HTML.
func cellMD(s string) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "`", "'").Replace(s)
}

// escapeData and escapeProp follow the workflow commands' escaping, so a
// message cannot end the command early or start another.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// fit wraps text, printed at column at, to width (no wrapping when width
// is 0): continuation lines keep text's own leading spaces and one more
// level, and a word longer than a line is left whole.
func fit(text string, width, at int) []string {
	if width <= 0 {
		return []string{text}
	}
	limit := width - 1 - at // a line of exactly the width wraps on many terminals
	body := strings.TrimLeft(text, " ")
	lead := strings.Repeat(" ", len(text)-len(body))
	if limit < 20 || utf8.RuneCountInString(text) <= limit {
		return []string{text}
	}
	var lines []string
	line, n := lead, len(lead)
	for _, w := range strings.Fields(body) {
		k := utf8.RuneCountInString(w)
		if n > len(lead) && n+1+k > limit {
			lines = append(lines, line)
			line, n = lead+"  ", len(lead)+2
		}
		if n > len(lead) && !strings.HasSuffix(line, " ") {
			line += " "
			n++
		}
		line += w
		n += k
	}
	return append(lines, line)
}
