package present

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/conclab/conclab/lessons/lesson"
)

type section struct{ title, body string }

// splitSections cuts a lesson's markdown at its "## " headings. The text
// before the first one (after the "# " title) is the introduction.
func splitSections(md string) (intro string, sections []section) {
	var cur *section
	var b strings.Builder
	flush := func() {
		if cur == nil {
			intro = b.String()
		} else {
			cur.body = b.String()
			sections = append(sections, *cur)
		}
		b.Reset()
	}
	inCode := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		switch {
		case !inCode && strings.HasPrefix(line, "## "):
			flush()
			cur = &section{title: strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(line, "## "), "`", ""))}
		case !inCode && strings.HasPrefix(line, "# "):
			// the lesson's title: the title slide shows it
		default:
			b.WriteString(line + "\n")
		}
	}
	flush()
	return intro, sections
}

var emphasis = strings.NewReplacer("**", "", "__", "")

// wrap lays markdown out in lines of at most width: paragraphs are
// filled, list items keep their bullet and indent, inline code spans
// (`go test -race`) stay whole on one line, code blocks are kept as they
// are (tabs as four spaces, cut at the width). A word or code span wider
// than a whole line is broken at the width.
func wrap(md string, width int) []string {
	width = max(width, 20)
	var out, para []string
	indent := ""
	fill := func() {
		if len(para) == 0 {
			return
		}
		pad := len([]rune(indent))
		line, n := indent, pad // the line so far, and its width
		for _, w := range words(emphasis.Replace(strings.Join(para, " ")), width-pad) {
			k := len([]rune(w))
			if n > pad && n+1+k > width {
				out = append(out, line)
				line, n = strings.Repeat(" ", pad), pad
			}
			if n > pad {
				line += " "
				n++
			}
			line += w
			n += k
		}
		out = append(out, line)
		para, indent = nil, ""
	}
	inCode := false
	for _, raw := range strings.Split(md, "\n") {
		if strings.HasPrefix(raw, "```") {
			fill()
			inCode = !inCode
			continue
		}
		if inCode {
			out = append(out, cut("    "+strings.ReplaceAll(raw, "\t", "    "), width))
			continue
		}
		t := strings.TrimSpace(raw)
		switch {
		case t == "":
			fill()
			out = append(out, "")
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || isNumbered(t):
			fill()
			bullet, rest, _ := strings.Cut(t, " ")
			if bullet == "*" {
				bullet = "-"
			}
			indent = "  " + bullet + " "
			para = []string{rest}
		case strings.HasPrefix(t, "### "):
			fill()
			out = append(out, strings.ToUpper(strings.TrimPrefix(t, "### ")))
		default:
			para = append(para, t)
		}
	}
	fill()
	// No more than one blank line in a row.
	var squeezed []string
	for i, l := range out {
		if l == "" && (i == 0 || out[i-1] == "") {
			continue
		}
		squeezed = append(squeezed, l)
	}
	return squeezed
}

// words splits text at its spaces, except those inside inline code spans
// (a run of backticks up to the next run of as many), so that a span
// stays one word. A word wider than room is broken into pieces of room
// runes: a line cannot hold it whole.
func words(text string, room int) []string {
	var out []string
	var w []rune
	ticks := 0 // the opening run's length while inside a span
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '`' {
			n := 1
			for i+n < len(rs) && rs[i+n] == '`' {
				n++
			}
			switch {
			case ticks == 0 && closes(rs[i+n:], n):
				ticks = n
			case ticks == n:
				ticks = 0
			}
			w = append(w, rs[i:i+n]...)
			i += n - 1
			continue
		}
		if ticks == 0 && (r == ' ' || r == '\t' || r == '\n') {
			if len(w) > 0 {
				out = append(out, string(w))
				w = nil
			}
			continue
		}
		w = append(w, r)
	}
	if len(w) > 0 {
		out = append(out, string(w))
	}
	var fitted []string
	for _, w := range out {
		r := []rune(w)
		for len(r) > room {
			fitted = append(fitted, string(r[:room]))
			r = r[room:]
		}
		fitted = append(fitted, string(r))
	}
	return fitted
}

// closes reports whether rs holds a run of exactly n backticks, which
// would close a code span opened by n.
func closes(rs []rune, n int) bool {
	for i := 0; i < len(rs); {
		if rs[i] != '`' {
			i++
			continue
		}
		k := i
		for k < len(rs) && rs[k] == '`' {
			k++
		}
		if k-i == n {
			return true
		}
		i = k
	}
	return false
}

var numbered = regexp.MustCompile(`^[0-9]+\. `)

func isNumbered(s string) bool { return numbered.MatchString(s) }

func cut(s string, width int) string {
	if r := []rune(s); len(r) > width {
		return string(r[:width-1]) + "…"
	}
	return s
}

// focus finds the lines a demo is about, best first: where goroutines
// start, then where locks are taken, then channel operations.
var focus = []*regexp.Regexp{
	regexp.MustCompile(`\bgo (func\b|[A-Za-z_][A-Za-z0-9_.]*\()`),
	regexp.MustCompile(`\.R?Lock\(\)`),
	regexp.MustCompile(`<-`),
}

// excerpt is the demo's source, read from the files it was compiled
// from (present when conclab runs in its repository), at most height
// lines: a window around its first go statement when it is longer. A
// demo that starts its goroutines in a helper shows the helper, since the
// go statement is what the class should see.
func excerpt(d lesson.Demo, width, height int) []string {
	note, lines, ok := source(d)
	if !ok {
		return []string{"(the demo's source is not at hand: run conclab inside its repository to show it)"}
	}
	var head []string
	if note != "" {
		head = []string{cut(note, width)}
		height--
	}
	for i, l := range lines {
		lines[i] = cut(strings.ReplaceAll(l, "\t", "    "), width)
	}
	if len(lines) <= height {
		return append(head, lines...)
	}
	first := 0
	for _, re := range focus {
		if i := slices.IndexFunc(lines, re.MatchString); i >= 0 {
			first = i
			break
		}
	}
	start := max(0, min(first-3, len(lines)-(height-2)))
	end := min(len(lines), start+height-2)
	window := append([]string{}, lines[start:end]...)
	if start > 0 {
		window = append([]string{"    …"}, window...)
	}
	if end < len(lines) {
		window = append(window, "    …")
	}
	return append(head, window...)
}

// pkgSource is a demo's package, parsed.
type pkgSource struct {
	fset  *token.FileSet
	srcs  map[string][]byte // by file name
	funcs map[string]*ast.FuncDecl
	files []*ast.File
}

// lines returns the source lines of node n, from its doc comment if it
// has one, without the indentation they all share.
func (p *pkgSource) lines(n ast.Node, doc *ast.CommentGroup) []string {
	pos := p.fset.Position(n.Pos())
	first, last := pos.Line, p.fset.Position(n.End()).Line
	if doc != nil {
		first = p.fset.Position(doc.Pos()).Line
	}
	all := strings.Split(string(p.srcs[pos.Filename]), "\n")
	if first < 1 || last > len(all) {
		return nil
	}
	return dedent(slices.Clone(all[first-1 : last]))
}

// source returns the lines of the function that implements d.Run, or of
// the helper it calls that starts the goroutines, with a note saying so.
func source(d lesson.Demo) (note string, lines []string, ok bool) {
	if d.Run == nil {
		return "", nil, false
	}
	fn := runtime.FuncForPC(reflect.ValueOf(d.Run).Pointer())
	if fn == nil {
		return "", nil, false
	}
	file, line := fn.FileLine(fn.Entry())
	p, file, ok := parsePackage(file)
	if !ok {
		return "", nil, false
	}
	// The innermost function around the entry: a demo written as a
	// closure shows the closure, not the function that builds the lesson
	// (which may hold the answer to the predict question).
	var demo ast.Node
	var doc *ast.CommentGroup
	for _, f := range p.files {
		if p.fset.Position(f.Pos()).Filename != file {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var d *ast.CommentGroup
			switch fn := n.(type) {
			case *ast.FuncDecl:
				d = fn.Doc
			case *ast.FuncLit:
			default:
				return true
			}
			start, end := p.fset.Position(n.Pos()).Line, p.fset.Position(n.End()).Line
			if line < start || line > end {
				return false
			}
			demo, doc = n, d
			return true
		})
	}
	if demo == nil {
		return "", nil, false
	}
	if !startsGoroutines(demo) {
		if helper := p.helper(demo); helper != nil {
			name := "the demo"
			if fd, ok := demo.(*ast.FuncDecl); ok {
				name = fd.Name.Name
			}
			note := fmt.Sprintf("// %s calls %s, which starts the goroutines:", name, helper.Name.Name)
			return note, p.lines(helper, helper.Doc), true
		}
	}
	return "", p.lines(demo, doc), true
}

// parsePackage parses the Go files (not tests) of the folder that holds
// file, and returns file as it is named among them.
func parsePackage(file string) (*pkgSource, string, bool) {
	dir := filepath.Dir(file)
	if _, err := os.Stat(file); err != nil {
		// A -trimpath build records module paths: try them from here.
		const module = "github.com/conclab/conclab/"
		rel, ok := strings.CutPrefix(file, module)
		if !ok {
			return nil, "", false
		}
		dir = filepath.Dir(rel)
		file = rel
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, "", false
	}
	p := &pkgSource{fset: token.NewFileSet(), srcs: map[string][]byte{}, funcs: map[string]*ast.FuncDecl{}}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") && name != file {
			continue // a demo in a test file (this package's tests) reads its own file only
		}
		src, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(p.fset, name, src, parser.ParseComments)
		if err != nil {
			continue
		}
		p.srcs[name] = src
		p.files = append(p.files, f)
		if filepath.Base(name) == plumbingFile {
			continue // its go statements start servers, not the demo's story
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil {
				p.funcs[fd.Name.Name] = fd
			}
		}
	}
	return p, file, len(p.files) > 0
}

// plumbingFile is the file of a lesson that holds the stage plumbing its
// demos share (a server on a loopback port, retries, tables): helper
// never shows a function of it in place of the demo's own story.
const plumbingFile = "stage.go"

// helper is the first function of the package that n calls or passes
// along (countUnsafely, or a worker handed to a runner) and that starts
// goroutines itself.
func (p *pkgSource) helper(n ast.Node) *ast.FuncDecl {
	var found *ast.FuncDecl
	ast.Inspect(n, func(x ast.Node) bool {
		if found != nil {
			return false
		}
		if id, ok := x.(*ast.Ident); ok {
			if fd, ok := p.funcs[id.Name]; ok && fd != n && startsGoroutines(fd) {
				found = fd
			}
		}
		return true
	})
	return found
}

// startsGoroutines reports whether n has a go statement of its own.
func startsGoroutines(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if _, ok := x.(*ast.GoStmt); ok {
			found = true
		}
		return !found
	})
	return found
}

// dedent removes the tabs that all lines share, so a closure starts at
// the left margin.
func dedent(lines []string) []string {
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		if common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			lines[i] = l[common:]
		}
	}
	return lines
}
