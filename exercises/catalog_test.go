package exercises_test

import (
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
)

// TestEveryExerciseListsItsImports: the grader refuses any import an
// exercise does not list, so an exercise without a list could not be
// solved; and a list must at least cover the stub the learner starts
// from.
func TestEveryExerciseListsItsImports(t *testing.T) {
	for _, e := range exercises.All() {
		assert.NotEmpty(t, e.Imports, "%s has no Imports: the grader would refuse every import", e.ID())
		assert.Len(t, e.Imports, len(uniq(e.Imports)), "%s lists an import twice: %v", e.ID(), e.Imports)
		for _, f := range e.Files {
			src, err := fs.ReadFile(exercises.Canonical, e.Dir()+"/"+f)
			require.NoError(t, err, "%s: stub %s", e.ID(), f)
			file, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			require.NoError(t, err, "%s: stub %s", e.ID(), f)
			for _, spec := range file.Imports {
				p, _ := strconv.Unquote(spec.Path.Value)
				assert.Contains(t, e.Imports, p, "%s: the stub %s imports %q, which Imports does not list", e.ID(), f, p)
			}
		}
	}
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// TestCatalogHintsAreReadable: hints are read in a terminal by someone who
// is stuck. Hints 1 and 2 are prose; hint 3 may add a short sketch of
// code, written as conclab hint expects it (runner/cmd_hint.go): lines
// that start with a tab, gofmt-formatted, never the solution run together
// on one line. conclab hint shows code with each tab as 4 columns and
// does not wrap it, so every code line must fit 80 columns as shown.
func TestCatalogHintsAreReadable(t *testing.T) {
	const (
		tabWidth = 4  // columns per tab, and the code block's indent, on screen
		maxWidth = 79 // an 80-column terminal, less the last column
		maxCode  = 25 // lines of code in one hint: a sketch, not a solution
	)
	for _, e := range exercises.All() {
		for i, h := range e.Hints {
			name := fmt.Sprintf("%s hint %d", e.ID(), i+1)
			prose, code := splitHint(h)
			assert.NotEmpty(t, prose, "%s has no words, only code: say what the code is for", name)
			for _, p := range prose {
				// "func f() { a; b }" is code run together: a block
				// or a literal with spaces inside its braces, or a
				// paragraph of many statements.
				inline := strings.Contains(p, "{ ") || strings.Contains(p, " }") || strings.Count(p, ";") > 2
				assert.False(t, inline, "%s has code run together in its prose (%q): put code on lines of its own, indented with a tab", name, p)
			}
			if i < 2 {
				assert.Empty(t, code, "%s shows code: only the last hint may", name)
				continue
			}
			lines := 0
			for _, block := range code {
				lines += strings.Count(block, "\n")
				formatted, err := format.Source([]byte(block))
				if assert.NoError(t, err, "%s: this code does not parse as Go declarations or statements:\n%s", name, block) {
					assert.Equal(t, block, string(formatted), "%s: this code is not gofmt-formatted", name)
				}
				for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
					w := utf8.RuneCountInString(strings.ReplaceAll(line, "\t", strings.Repeat(" ", tabWidth)))
					assert.LessOrEqual(t, w, maxWidth, "%s: this line of code is %d columns wide on screen, more than an 80-column terminal shows: %q", name, w, line)
				}
			}
			assert.LessOrEqual(t, lines, maxCode, "%s shows %d lines of code: show the key part, not the whole solution", name, lines)
		}
	}
}

// splitHint cuts a hint into its prose paragraphs (lines joined) and its
// code blocks (runs of lines that start with a tab, blank lines inside a
// run included, each line ending in a newline).
func splitHint(h string) (prose, code []string) {
	var para []string
	var block strings.Builder
	blanks := 0 // blank lines since the last code line, while in a block
	endPara := func() {
		if len(para) > 0 {
			prose = append(prose, strings.Join(para, " "))
			para = nil
		}
	}
	endBlock := func() {
		if block.Len() > 0 {
			code = append(code, block.String())
			block.Reset()
		}
		blanks = 0
	}
	for _, line := range strings.Split(strings.TrimSpace(h), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			endPara()
			if block.Len() > 0 {
				blanks++
			}
		case strings.HasPrefix(line, "\t"):
			endPara()
			block.WriteString(strings.Repeat("\n", blanks) + line + "\n")
			blanks = 0
		default:
			endBlock()
			para = append(para, strings.TrimSpace(line))
		}
	}
	endPara()
	endBlock()
	return prose, code
}
