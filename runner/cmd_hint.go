package runner

import (
	"context"
	"flag"
	"strconv"
	"strings"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/progress"
)

func init() {
	register(Command{
		Name:    "hint",
		Args:    "[exercise]",
		Summary: "show the next of an exercise's three hints (default: the first one not solved yet)",
		Order:   52,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				ex, err := chooseExercise(app, args)
				if err != nil {
					return err
				}
				showHint(app, ex)
				return nil
			}
		},
	})
}

// showHint prints the next of ex's hints (the last again once all are
// out) and remembers that it was shown.
func showHint(app *App, ex exercises.Exercise) {
	shown := 0
	if p := app.Progress().Exercises[ex.Slug]; p != nil {
		shown = p.HintsShown
	}
	// Each call reveals one more hint; once all three are out, the last
	// one is shown again rather than nothing.
	n := min(shown+1, len(ex.Hints))
	app.Printf("%s\n", app.Theme.Heading(ex.ID()+": hint "+strconv.Itoa(n)+" of "+strconv.Itoa(len(ex.Hints))))
	for _, line := range hintLines(ex.Hints[n-1], app.Width) {
		app.Printf("%s\n", line)
	}
	next := "Still stuck? " + selfCommand() + " hint " + ex.Slug + " shows the next one."
	if n == len(ex.Hints) {
		next = "That was the last hint. " + selfCommand() + " check " + ex.Slug + " tells you how close you are."
	}
	app.Printf("\n")
	for _, line := range wrapWords(next, app.Width, 0, 0) {
		app.Printf("%s\n", app.Theme.Dim(line))
	}
	app.Remember(func(st *progress.State) {
		if p := st.Exercise(ex.Slug); p.HintsShown < n {
			p.HintsShown = n
		}
	})
}

// codeIndent is how far a hint's code is indented, and how wide one of its
// tabs is, on the screen: gofmt indents with tabs, which a terminal would
// show 8 columns wide.
const codeIndent = "    "

// hintLines lays a hint out for a terminal of width columns. A hint is
// written like a Go doc comment: paragraphs of prose separated by blank
// lines, and code as lines that start with a tab (gofmt-formatted Go, one
// more tab of indentation than gofmt would give it). Prose is wrapped to
// the width; code is never wrapped, only indented, with its tabs shown as
// four spaces. Blocks are separated by one blank line.
func hintLines(text string, width int) []string {
	var out, prose []string
	code := false // the last line out is code
	flush := func() {
		if len(prose) == 0 {
			return
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, wrapWords(strings.Join(prose, " "), width, 0, 0)...)
		prose = nil
		code = false
	}
	blank := false // blank lines since the last line that was not
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimRight(line, " \t\r")
		switch {
		case line == "":
			flush()
			blank = true
			continue
		case strings.HasPrefix(line, "\t"):
			flush()
			if len(out) > 0 && (!code || blank) {
				out = append(out, "")
			}
			out = append(out, codeIndent+expandTabs(line[1:]))
			code = true
		default:
			prose = append(prose, strings.TrimSpace(line))
		}
		blank = false
	}
	flush()
	return out
}

// expandTabs replaces each tab in a line of code with spaces up to the next
// multiple of len(codeIndent) columns.
func expandTabs(line string) string {
	var b strings.Builder
	col := 0
	for _, r := range line {
		if r == '\t' {
			n := len(codeIndent) - col%len(codeIndent)
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}
