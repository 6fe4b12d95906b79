package runner

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/runner/progress"
)

func init() {
	register(Command{
		Name: "show", Args: "<lesson>", Summary: "read a lesson's text", Order: 20,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				if len(args) != 1 {
					return Usagef("show takes one lesson, by number or slug; try conclab list")
				}
				l, err := lessons.Find(args[0])
				if err != nil {
					return Usagef("%v", err)
				}
				app.Remember(func(st *progress.State) { st.OpenLesson(l.Slug) })
				return showLesson(app, l)
			}
		},
	})
}

// showLesson prints a lesson's text rendered for the terminal, then its
// demos and exercises: through the pager when it is longer than the
// screen and someone is at the terminal to turn the pages.
func showLesson(app *App, l lesson.Lesson) error {
	text, err := renderMarkdown(l.Text, app.Width, app.Color)
	if err != nil {
		return fmt.Errorf("rendering lesson %s: %w", l.Slug, err)
	}
	var b strings.Builder
	fmt.Fprintln(&b, app.Theme.Heading(fmt.Sprintf("Lesson %d: %s", l.Number, l.Title)))
	fmt.Fprint(&b, text)
	fmt.Fprintln(&b, app.Theme.Heading("Demos"))
	for _, d := range l.Demos {
		// Claims wrap under their own column, at 25; a long name gets a
		// line of its own.
		name := d.Name
		if len(name) > 22 {
			fmt.Fprintf(&b, "  %s\n", name)
			name = ""
		}
		claim := strings.Join(wrapWords(d.Claim, app.Width, 25, 25), "\n"+strings.Repeat(" ", 25))
		fmt.Fprintf(&b, "  %-22s %s\n", name, claim)
	}
	fmt.Fprintf(&b, "  run them: conclab run %s [demo]\n", l.Slug)
	if len(l.Exercises) > 0 {
		fmt.Fprintf(&b, "%s\n  %s\n", app.Theme.Heading("Exercises"), strings.Join(wrapWords(strings.Join(l.Exercises, ", "), app.Width, 2, 2), "\n  "))
	}
	return pageText(app, b.String())
}

// hold stands in for every rune of an inline code span while glamour
// wraps a paragraph: its word wrappers break lines at spaces and at
// punctuation (".", "-", ","), so `http.FileServerFS` could end a line
// after "http.". hold is none of those, is one column wide everywhere
// (East Asian terminals included), and lessons never use it.
const hold = '\u2423' // ␣

// keepCodeWhole hides the text of md's inline code spans (`go test
// -race`) behind runs of hold, as many as the span has runes, so that
// word wrapping moves a span to the next line whole rather than
// splitting it; restoreCode puts the spans back, in order. A span too
// long to fit on a line of width columns comfortably (over half of it)
// is left to wrap. Fenced code blocks are left alone.
func keepCodeWhole(md string, width int) (string, []string) {
	var out, para strings.Builder
	var spans []string
	flush := func() {
		out.WriteString(holdSpans(joinSoftBreaks(para.String()), width/2, &spans))
		para.Reset()
	}
	fence := ""
	for _, line := range strings.SplitAfter(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case fence != "":
			out.WriteString(line)
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			flush()
			fence = t[:3]
			out.WriteString(line)
		case t == "":
			flush()
			out.WriteString(line)
		default:
			para.WriteString(line)
		}
	}
	flush()
	return out.String(), spans
}

// blockStart matches a line that starts a block of its own: a list item,
// a heading, a quote, a table row, an HTML line.
var blockStart = regexp.MustCompile(`^\s*([-*+] |\d+[.)] |#|>|\||<)`)

// joinSoftBreaks joins the lines of a block of markdown that continue
// the line before them (a soft break, which markdown reads as a space),
// so that an emphasis or code span written over two lines is one span
// to glamour: its notty style otherwise marks each line's part of a
// **strong** span separately, and "*one goroutine** per" shows. Lines
// that start a block, follow a hard break (two spaces or a backslash at
// the end) or belong to an indented code block stay as they are.
func joinSoftBreaks(block string) string {
	if strings.HasPrefix(block, "    ") || strings.HasPrefix(block, "\t") {
		return block
	}
	lines := strings.SplitAfter(block, "\n")
	var b strings.Builder
	for i, line := range lines {
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		body := strings.TrimSuffix(line, "\n")
		t := strings.TrimSpace(body)
		ownLine := strings.HasPrefix(t, "|") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "<")
		hardBreak := strings.HasSuffix(body, "  ") || strings.HasSuffix(body, "\\")
		if next == "" || blockStart.MatchString(next) || ownLine || hardBreak {
			b.WriteString(line)
			continue
		}
		b.WriteString(strings.TrimRight(body, " ") + " ")
		lines[i+1] = strings.TrimLeft(next, " \t")
	}
	return b.String()
}

// holdSpans replaces the code spans of one paragraph that are at most
// longest runes long, adding their text to spans.
func holdSpans(para string, longest int, spans *[]string) string {
	var b strings.Builder
	for para != "" {
		i := strings.IndexByte(para, '`')
		if i < 0 {
			b.WriteString(para)
			break
		}
		b.WriteString(para[:i])
		para = para[i:]
		n := len(para) - len(strings.TrimLeft(para, "`"))
		ticks := para[:n]
		// The span ends at the next run of exactly as many backticks.
		end, rest := -1, para[n:]
		for j := 0; j < len(rest); {
			if rest[j] != '`' {
				j++
				continue
			}
			k := j
			for k < len(rest) && rest[k] == '`' {
				k++
			}
			if k-j == n {
				end = j
				break
			}
			j = k
		}
		if end < 0 {
			b.WriteString(ticks) // a lone run of backticks is text
			para = rest
			continue
		}
		// Markdown reads a line break inside a span as a space.
		code := strings.ReplaceAll(rest[:end], "\n", " ")
		if k := utf8.RuneCountInString(code); k <= longest && strings.TrimSpace(code) != "" {
			*spans = append(*spans, code)
			code = strings.Repeat(string(hold), k)
		}
		b.WriteString(ticks + code + ticks)
		para = rest[end+n:]
	}
	return b.String()
}

// restoreCode puts the spans keepCodeWhole held back into glamour's
// output: each run of hold is the next span. Glamour trims the spaces at
// a span's ends (as markdown does), so a shorter run takes the span
// trimmed.
func restoreCode(out string, spans []string) string {
	var b strings.Builder
	for out != "" {
		i := strings.IndexRune(out, hold)
		if i < 0 {
			b.WriteString(out)
			break
		}
		b.WriteString(out[:i])
		run := out[i:]
		j := strings.IndexFunc(run, func(r rune) bool { return r != hold })
		if j < 0 {
			j = len(run)
		}
		n := utf8.RuneCountInString(run[:j])
		span := strings.Repeat(" ", n) // not expected: spans ran out
		if len(spans) > 0 {
			span, spans = spans[0], spans[1:]
			if utf8.RuneCountInString(span) != n {
				span = strings.TrimSpace(span)
			}
		}
		b.WriteString(span)
		out = run[j:]
	}
	return b.String()
}

// renderMarkdown renders markdown for a terminal of the given width, with
// colour or without, in lines that fit it (at most width-1 columns) with
// inline code kept whole. Without colour it uses glamour's notty style
// with plain-text emphasis (*strong*, _emphasis_) instead of its literal
// markdown markers, and drops the spaces glamour pads every line with.
func renderMarkdown(md string, width int, color bool) (string, error) {
	opt := glamour.WithStandardStyle("dark")
	if !color {
		style := styles.NoTTYStyleConfig
		style.Strong.BlockPrefix, style.Strong.BlockSuffix = "*", "*"
		style.Emph.BlockPrefix, style.Emph.BlockSuffix = "_", "_"
		opt = glamour.WithStyles(style)
	}
	r, err := glamour.NewTermRenderer(opt, glamour.WithWordWrap(min(usable(width), 100)-2))
	if err != nil {
		return "", err
	}
	held, spans := keepCodeWhole(md, width)
	out, err := r.Render(held)
	if err != nil {
		return "", err
	}
	var lines []string
	// A tab left in a code block would take the terminal to its next tab
	// stop, wider than it counts: four spaces, as in the source's editor.
	out = strings.ReplaceAll(restoreCode(out, spans), "\t", "    ")
	for _, line := range strings.Split(out, "\n") {
		if !color {
			line = strings.TrimRight(line, " ")
		}
		// Glamour pads lines to its width and leaves a code block's long
		// lines long: what would reach the terminal's last column wraps
		// here, where it is known.
		lines = append(lines, wrapANSI(line, width)...)
	}
	return strings.Join(lines, "\n"), nil
}
