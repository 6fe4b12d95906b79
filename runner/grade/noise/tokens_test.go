package noise

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A lexeme is a token as the user wrote it: what, where.
type lexeme struct {
	tok       token.Token
	lit       string
	line, col int
}

// lexemes scans src, comments included and semicolons left out: the
// rewrite adds semicolons, and moves the ones the scanner inserts at
// line ends behind its calls. moved reports, for each lexeme, whether
// a call of Func came before it on its line; calls counts the calls.
func lexemes(t *testing.T, src []byte) (lexs []lexeme, moved []bool, calls int) {
	t.Helper()
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) {
		t.Errorf("%s: %s", pos, msg)
	}, scanner.ScanComments)
	var all []lexeme
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON {
			continue
		}
		p := fset.PositionFor(pos, false)
		all = append(all, lexeme{tok, lit, p.Line, p.Column})
	}
	callLine := 0
	for i := 0; i < len(all); i++ {
		if all[i].tok == token.IDENT && all[i].lit == Func &&
			i+2 < len(all) && all[i+1].tok == token.LPAREN && all[i+2].tok == token.RPAREN {
			callLine = all[i].line
			calls++
			i += 2
			continue
		}
		lexs = append(lexs, all[i])
		moved = append(moved, all[i].line == callLine)
	}
	return lexs, moved, calls
}

// assertSameTokens checks that out is src with points calls of Func
// added and nothing else: the same tokens and comments in the same
// order, each on its line, and in its column unless a call came before
// it on that line. And that out still parses.
func assertSameTokens(t *testing.T, src, out []byte, points int) {
	t.Helper()
	want, _, before := lexemes(t, src)
	require.Zero(t, before, "the source should not call %s already", Func)
	got, moved, calls := lexemes(t, out)
	assert.Equal(t, points, calls, "points should count the calls in the output")
	require.Len(t, got, len(want), "the output should have the source's tokens and only the calls added")
	for i, w := range want {
		g := got[i]
		if !assert.Equal(t, w.tok, g.tok, "token %d", i) || !assert.Equal(t, w.lit, g.lit, "token %d", i) {
			return
		}
		if !assert.Equal(t, w.line, g.line, "%s %q moved from line %d", g.tok, g.lit, w.line) {
			return
		}
		if !moved[i] && !assert.Equal(t, w.col, g.col, "%s %q on line %d moved from column %d with no call before it", g.tok, g.lit, w.line, w.col) {
			return
		}
	}
	_, err := parser.ParseFile(token.NewFileSet(), "", out, parser.SkipObjectResolution)
	assert.NoError(t, err, "the output should parse")
}

// TestInstrumentRealCode rewrites every lesson and solution: real code,
// with the comments, labels and layouts that hand-written cases miss.
func TestInstrumentRealCode(t *testing.T) {
	for _, root := range []string{"../../../lessons", "../../../solutions"} {
		files, points := 0, 0
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			t.Run(filepath.Base(root)+"/"+filepath.ToSlash(rel), func(t *testing.T) {
				out, n, err := Instrument(src)
				require.NoError(t, err)
				assertSameTokens(t, src, out, n)
				files++
				points += n
			})
			return nil
		})
		require.NoError(t, err)
		require.NotZero(t, files, "%s should hold Go files", root)
		require.NotZero(t, points, "%s should have synchronisation points", root)
		t.Logf("%s: %d points in %d files", root, points, files)
	}
}
