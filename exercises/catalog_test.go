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
	"testing/fstest"
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

// TestExerciseNumbersRunFromZero: exercise 0 is lesson 1's warm-up and
// the numbers run 0, 1, 2, ... in the catalog's order without gaps, each
// exercise in its folder NN-slug; Find takes a number, a slug or a
// folder, 0 included (conclab check 0, selfcheck -only 0).
func TestExerciseNumbersRunFromZero(t *testing.T) {
	for i, e := range exercises.All() {
		assert.Equal(t, i, e.Number, "%s is at place %d in the catalog", e.ID(), i)
		assert.Equal(t, fmt.Sprintf("%02d-%s", i, e.Slug), e.Dir())
	}
	for name, slug := range map[string]string{"0": "fetchall", "fetchall": "fetchall", "00-fetchall": "fetchall", "00": "fetchall", "1": "counter", "17": "indexer-check"} {
		e, err := exercises.Find(name)
		if assert.NoError(t, err, "Find(%q)", name) {
			assert.Equal(t, slug, e.Slug, "Find(%q)", name)
		}
	}
	for _, name := range []string{"-1", "18", "fetch"} {
		_, err := exercises.Find(name)
		assert.Error(t, err, "Find(%q) must find nothing", name)
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

// TestEveryExerciseHasItsHintsFile: each exercise's hints are the three
// sections of the HINTS.md in its folder, embedded with the folder and
// read into the catalog as the program starts. A folder whose file is
// missing or malformed fails here with the file's name (and, once it
// is in the catalog, stops the package at init with the same message).
func TestEveryExerciseHasItsHintsFile(t *testing.T) {
	dirs, err := fs.Glob(exercises.Canonical, "[0-9][0-9]-*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	byDir := map[string]exercises.Exercise{}
	for _, e := range exercises.All() {
		byDir[e.Dir()] = e
	}
	for _, dir := range dirs {
		name := "exercises/" + dir + "/HINTS.md"
		md, err := fs.ReadFile(exercises.Canonical, dir+"/HINTS.md")
		if !assert.NoError(t, err, "%s is missing or not embedded", name) {
			continue
		}
		hints, err := exercises.ParseHints(name, md)
		if e, ok := byDir[dir]; assert.NoError(t, err) && ok {
			assert.Equal(t, hints, e.Hints, "%s: the catalog holds other hints than the file", name)
		}
	}
	for _, e := range exercises.All() {
		assert.Contains(t, dirs, e.Dir(), "%s has no folder", e.ID())
	}
}

// TestHintsFileFormat: a section's text is kept byte for byte, code
// lines' leading tabs included, without the blank lines around it;
// whatever comes before the first section is for a reader of the file.
func TestHintsFileFormat(t *testing.T) {
	md := "# Hints: 1 counter\n\nA note, not a hint.\n\n" +
		"## Hint 1\n\nOne.\n\n" +
		"## Hint 2\n\n\tcode()  \nafter\n\n\n" +
		"## Hint 3\n\nFirst.\n\n\tif x {\n\t\ty()\n\t}\n\nLast."
	want := [3]string{"One.", "\tcode()  \nafter", "First.\n\n\tif x {\n\t\ty()\n\t}\n\nLast."}
	got, err := exercises.ParseHints("HINTS.md", []byte(md))
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got, err = exercises.ParseHints("HINTS.md", []byte(strings.ReplaceAll(md, "\n", "\r\n")))
	require.NoError(t, err)
	assert.Equal(t, want, got, "a file saved with CRLF line ends reads the same")
}

// TestMalformedHintsFile: anything but three sections ## Hint 1 to
// ## Hint 3, in order and none empty, is an error that names the file and
// says what is wrong; a missing file stops the program at init, naming
// it.
func TestMalformedHintsFile(t *testing.T) {
	const name = "exercises/01-counter/HINTS.md"
	for _, tc := range []struct{ what, md, want string }{
		{"no sections", "# Hints\n\nJust prose.\n", "0 of the 3 sections"},
		{"two sections", "## Hint 1\n\na\n\n## Hint 2\n\nb\n", "2 of the 3 sections"},
		{"a fourth", "## Hint 1\na\n## Hint 2\nb\n## Hint 3\nc\n## Hint 4\nd\n", `:7: "## Hint 4" where the end of the file after ## Hint 3 belongs`},
		{"out of order", "## Hint 2\nb\n## Hint 1\na\n## Hint 3\nc\n", `:1: "## Hint 2" where ## Hint 1 belongs`},
		{"another heading", "## Hint 1\na\n## Notes\nx\n## Hint 2\nb\n## Hint 3\nc\n", `:3: "## Notes" where ## Hint 2 belongs`},
		{"a subheading inside", "## Hint 1\na\n### Code\n## Hint 2\nb\n## Hint 3\nc\n", `:3: "### Code" where ## Hint 2 belongs`},
		{"an empty one", "## Hint 1\na\n## Hint 2\n\n  \n## Hint 3\nc\n", "## Hint 2 is empty"},
		{"the last empty", "## Hint 1\na\n## Hint 2\nb\n## Hint 3\n\n", "## Hint 3 is empty"},
	} {
		_, err := exercises.ParseHints(name, []byte(tc.md))
		if assert.Error(t, err, tc.what) {
			assert.Contains(t, err.Error(), name, tc.what)
			assert.Contains(t, err.Error(), tc.want, tc.what)
		}
	}

	one, err := exercises.Find("counter")
	require.NoError(t, err)
	counter := []exercises.Exercise{one}
	fsys := fstest.MapFS{"01-counter/README.md": {Data: []byte("# Counter\n")}}
	assert.PanicsWithError(t, name+" is missing: every exercise has one, with three sections, ## Hint 1 to ## Hint 3",
		func() { exercises.ReadHints(fsys, counter) })
	fsys["01-counter/HINTS.md"] = &fstest.MapFile{Data: []byte("## Hint 1\na\n")}
	assert.PanicsWithError(t, name+": 1 of the 3 sections (## Hint 1, ## Hint 2, ## Hint 3)",
		func() { exercises.ReadHints(fsys, counter) })
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
