package report

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/conclab/conclab/runner/grade"
)

// Sanitize returns s fit to show on a terminal or in a CI log. Much of
// what a report says comes from the submission (its test output, its
// panic messages, its source lines), and a submission may print any
// bytes: an escape sequence would recolour, move or hide the text
// around it in every log that shows the report, a carriage return would
// overwrite a line, a bidi override would reorder one.
//
// Sanitize keeps newlines and tabs and writes every other C0 control
// character and DEL as \xNN (ESC is \x1b), the C1 controls (U+0080 to
// U+009F), the bidi controls, the Unicode line and paragraph separators
// and the non-characters U+FFFE and U+FFFF as \uNNNN, and each byte of
// invalid UTF-8 as U+FFFD. The result is valid UTF-8 that XML 1.0 can
// carry.
//
// A line that starts with "::" (after spaces or tabs) would be a
// workflow command to GitHub Actions in any log it reaches, such as
// ::stop-commands:: that silences the report's own annotations, or
// ::add-mask::; its first colon is written \x3a. So would "##[" (the
// runner's older form) anywhere in a line: its first # is written \x23.
func Sanitize(s string) string {
	if !needsSanitizing(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	lineStart := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case lineStart && r == ':' && strings.HasPrefix(s[i:], "::"):
			b.WriteString(`\x3a`)
		case r == '#' && strings.HasPrefix(s[i:], "##["):
			b.WriteString(`\x23`)
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' || r == '\t':
			b.WriteByte(byte(r))
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case escapedRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		lineStart = r == '\n' || lineStart && (r == ' ' || r == '\t')
		i += size
	}
	return b.String()
}

// needsSanitizing reports whether Sanitize would change s; most text
// is printable ASCII and goes through as it is.
func needsSanitizing(s string) bool {
	if strings.Contains(s, "::") || strings.Contains(s, "##[") {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			// Not printable ASCII: look closer.
			for _, r := range s[i:] {
				if r == utf8.RuneError || r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || escapedRune(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// escapedRune reports whether r, a valid rune from 0x80 up, is shown
// as an escape.
func escapedRune(r rune) bool {
	switch {
	case 0x80 <= r && r <= 0x9f: // C1 controls: CSI, OSC, ...
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069: // bidi
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

// Sanitized is res as every report writes it (see sanitized), for
// writers of other packages (the class gradebook).
func Sanitized(res *grade.Result) *grade.Result { return sanitized(res) }

// sanitized returns a copy of res in which every string is Sanitize'd,
// for every format to write: the learner's text is made safe once,
// before any colour of the report's own is added.
func sanitized(res *grade.Result) *grade.Result {
	if res == nil {
		return nil
	}
	out := *res
	if res.Exercises != nil {
		out.Exercises = make([]*grade.ExerciseResult, len(res.Exercises))
	}
	for i, e := range res.Exercises {
		if e == nil {
			continue
		}
		c := *e
		c.Slug = Sanitize(e.Slug)
		c.Title = Sanitize(e.Title)
		c.Verdict = grade.Verdict(Sanitize(string(e.Verdict)))
		c.Message = Sanitize(e.Message)
		c.Method = Sanitize(e.Method)
		c.Output = Sanitize(e.Output)
		c.Explanation = sanitizeAll(e.Explanation)
		c.Findings = sanitizeAll(e.Findings)
		c.Notes = sanitizeAll(e.Notes)
		if c.Notes == nil {
			c.Notes = []string{} // "notes": [] rather than null: always there, as README shows
		}
		c.Locations = sanitizeLocations(e.Locations)
		if e.Tests != nil {
			c.Tests = make([]*grade.TestResult, len(e.Tests))
		}
		for j, t := range e.Tests {
			if t == nil {
				continue
			}
			tc := *t
			tc.Name = Sanitize(t.Name)
			tc.Verdict = grade.Verdict(Sanitize(string(t.Verdict)))
			tc.Message = Sanitize(t.Message)
			tc.Output = Sanitize(t.Output)
			tc.Locations = sanitizeLocations(t.Locations)
			c.Tests[j] = &tc
		}
		out.Exercises[i] = &c
	}
	return &out
}

func sanitizeAll(s []string) []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = Sanitize(x)
	}
	return out
}

func sanitizeLocations(locs []grade.Location) []grade.Location {
	if locs == nil {
		return nil
	}
	out := make([]grade.Location, len(locs))
	for i, l := range locs {
		l.File, l.What, l.Code = Sanitize(l.File), Sanitize(l.What), sanitizeAll(l.Code)
		out[i] = l
	}
	return out
}
