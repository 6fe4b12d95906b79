package present

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"regexp"
	"runtime"
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
// filled, list items keep their bullet and indent, code blocks are kept
// as they are (tabs as four spaces, cut at the width).
func wrap(md string, width int) []string {
	width = max(width, 20)
	var out, para []string
	indent := ""
	fill := func() {
		if len(para) == 0 {
			return
		}
		words := strings.Fields(emphasis.Replace(strings.Join(para, " ")))
		line := indent
		first := true
		for _, w := range words {
			if !first && len([]rune(line))+1+len([]rune(w)) > width {
				out = append(out, line)
				line = strings.Repeat(" ", len([]rune(indent)))
				first = true
			}
			if first {
				line += w
				first = false
			} else {
				line += " " + w
			}
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

var numbered = regexp.MustCompile(`^[0-9]+\. `)

func isNumbered(s string) bool { return numbered.MatchString(s) }

func cut(s string, width int) string {
	if r := []rune(s); len(r) > width {
		return string(r[:width-1]) + "…"
	}
	return s
}

// goStatement finds the lines a demo is about: where goroutines start and
// locks are taken.
var goStatement = regexp.MustCompile(`\bgo (func|[A-Za-z_][A-Za-z0-9_.]*\()|\.Lock\(\)|\.RLock\(\)|<-`)

// excerpt is the demo's own source, read from the file it was compiled
// from (present when conclab runs in its repository), at most height
// lines: a window around its first go statement when it is longer.
func excerpt(d lesson.Demo, width, height int) []string {
	lines, ok := source(d)
	if !ok {
		return []string{"(the demo's source is not at hand: run conclab inside its repository to show it)"}
	}
	for i, l := range lines {
		lines[i] = cut(strings.ReplaceAll(l, "\t", "    "), width)
	}
	if len(lines) <= height {
		return lines
	}
	first := 0
	for i, l := range lines {
		if goStatement.MatchString(l) {
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
	return window
}

// source returns the lines of the function that implements d.Run.
func source(d lesson.Demo) ([]string, bool) {
	if d.Run == nil {
		return nil, false
	}
	fn := runtime.FuncForPC(reflect.ValueOf(d.Run).Pointer())
	if fn == nil {
		return nil, false
	}
	file, line := fn.FileLine(fn.Entry())
	src, err := os.ReadFile(file)
	if err != nil {
		// A -trimpath build records module paths: try them from here.
		const module = "github.com/conclab/conclab/"
		if rel, ok := strings.CutPrefix(file, module); ok {
			src, err = os.ReadFile(rel)
		}
		if err != nil {
			return nil, false
		}
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return nil, false
	}
	// The innermost function around the entry: a demo written as a
	// closure shows the closure, not the function that builds the lesson
	// (which may hold the answer to the predict question).
	first, last := 0, 0
	ast.Inspect(f, func(n ast.Node) bool {
		var doc *ast.CommentGroup
		switch fn := n.(type) {
		case *ast.FuncDecl:
			doc = fn.Doc
		case *ast.FuncLit:
		default:
			return true
		}
		start, end := fset.Position(n.Pos()).Line, fset.Position(n.End()).Line
		if line < start || line > end {
			return false
		}
		if doc != nil {
			start = fset.Position(doc.Pos()).Line
		}
		first, last = start, end
		return true
	})
	if first == 0 {
		return nil, false
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(string(src)))
	for n := 1; sc.Scan(); n++ {
		if n >= first && n <= last {
			lines = append(lines, sc.Text())
		}
	}
	return dedent(lines), true
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
