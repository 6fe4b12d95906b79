package present

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/conclab/conclab/lessons/lesson"
)

// A demo's code step shows its story: the goroutines, the locks, the
// channels, the racy counter, the transfers. What a demo says to the
// stage around them (s.Say, s.Pause, s.Finding, its timeline lanes'
// lane.Start, lane.Acquired ...) is how the demo reports, not what it
// is about, so the code step leaves it out. The source is filtered on
// its syntax tree, statement by statement:
//
//   - a statement that only calls the stage or a lane goes (s.Sleep
//     stays: it is the demo's time.Sleep, scaled);
//   - an if whose init or condition asks the stage (if err :=
//     s.Pause(...); err != nil { ... }) goes, with its body;
//   - a variable that holds a lane or the stage, or a measurement that
//     only the stage's findings read (elapsed := time.Since(begin)),
//     goes when no statement left reads it;
//   - an if or a loop that had nothing else in it goes too.
//
// A demo that only runs a child process (s.Child) shows the child's
// story: the code that deadlocks or races in it.

// storyMethods are the stage's methods that are part of the story.
var storyMethods = map[string]bool{"Sleep": true}

// story is what the code step of demo d of lesson l shows, at most
// height lines of at most width runes.
func story(l lesson.Lesson, d lesson.Demo, width, height int) []string {
	note, lines, ok := storyLines(l, d, true)
	if !ok {
		return excerpt(d, width, height)
	}
	return fit(note, lines, width, height)
}

// fit makes a story fit height lines: without the function's doc
// comment when that is enough (the step's title says what the demo
// is), then without the note too, else a window of it.
func fit(note string, lines []string, width, height int) []string {
	n := len(lines)
	if note != "" {
		n++
	}
	if n <= height {
		return window(note, lines, width, height)
	}
	code := lines
	for len(code) > 0 && strings.HasPrefix(code[0], "//") {
		code = code[1:]
	}
	switch {
	case len(code)+1 <= height && note != "":
		return window(note, code, width, height)
	case len(code) <= height:
		return window("", code, width, height)
	}
	return window(note, lines, width, height)
}

// storyLines returns the demo's source filtered to its story, with a
// note saying where it comes from when that is not the demo's own
// function. ok is false when the source is not at hand or not Go that
// parses (then the code step shows the source as it is).
func storyLines(l lesson.Lesson, d lesson.Demo, followChild bool) (note string, lines []string, ok bool) {
	note, lines, ok = source(d)
	if !ok {
		return "", nil, false
	}
	fn, ok := parseFunc(lines)
	if !ok {
		return "", nil, false
	}
	if followChild && note == "" {
		if child, ok := fn.child(l, d); ok {
			if cnote, clines, ok := storyLines(l, child, false); ok {
				what := "this demo"
				if fn.name != "" {
					what = fn.name
				}
				if cnote == "" {
					cnote = fmt.Sprintf("// %s runs this in a child process:", what)
				} else {
					cnote = fmt.Sprintf("// %s runs %q in a child process, %s", what, child.Name, strings.TrimPrefix(cnote, "// "))
				}
				return cnote, clines, true
			}
		}
	}
	return note, fn.story(), true
}

// window fits lines into height rows of width: the note, then the
// whole story, or a window around its first go statement (or lock, or
// channel operation) when it is taller.
func window(note string, lines []string, width, height int) []string {
	var head []string
	if note != "" {
		head = []string{cut(note, width)}
		height--
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = cut(strings.ReplaceAll(l, "\t", "    "), width)
	}
	if len(out) <= height {
		return append(head, out...)
	}
	first := 0
	for _, re := range focus {
		if i := slices.IndexFunc(out, re.MatchString); i >= 0 {
			first = i
			break
		}
	}
	start := max(0, min(first-3, len(out)-(height-2)))
	end := min(len(out), start+height-2)
	w := append([]string{}, out[start:end]...)
	if start > 0 {
		w = append([]string{"    …"}, w...)
	}
	if end < len(out) {
		w = append(w, "    …")
	}
	return append(head, w...)
}

// storyFunc is one function's source, parsed, for filtering.
type storyFunc struct {
	name  string // "" for a closure
	fset  *token.FileSet
	file  *ast.File
	body  *ast.BlockStmt
	lines []string // the source lines; file line n is lines[n-2]
	// stage holds the names of the stage and its lanes in this function;
	// paused those of the errors its pauses returned.
	stage, paused map[string]bool
	// dropped are the statements left out.
	dropped map[ast.Stmt]bool
	uses    []use
}

// use is where a name is read, and the statements around it.
type use struct {
	name  string
	in    []ast.Stmt
	write bool // the left of an assignment: not a read
}

// parseFunc parses the lines of a function declaration (with its doc
// comment) or of a closure.
func parseFunc(lines []string) (*storyFunc, bool) {
	fset := token.NewFileSet()
	src := "package p\n" + strings.Join(lines, "\n") + "\n"
	if f, err := parser.ParseFile(fset, "", src, parser.ParseComments); err == nil {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil {
				return newStoryFunc(fd.Name.Name, fset, f, fd.Body, lines), true
			}
		}
		return nil, false
	}
	// A closure: its first line may start with "Run: ", its last end
	// with "},". Blank them out, keeping the columns.
	if len(lines) == 0 {
		return nil, false
	}
	lit := slices.Clone(lines)
	i := strings.Index(lit[0], "func")
	j := strings.LastIndex(lit[len(lit)-1], "}")
	if i < 0 || j < 0 {
		return nil, false
	}
	lit[0] = strings.Repeat(" ", i) + lit[0][i:]
	lit[len(lit)-1] = lit[len(lit)-1][:j+1]
	fset = token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\nvar _ = "+strings.Join(lit, "\n")+"\n", parser.ParseComments)
	if err != nil {
		return nil, false
	}
	var body *ast.BlockStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncLit); ok && body == nil {
			body = fl.Body
		}
		return body == nil
	})
	if body == nil {
		return nil, false
	}
	return newStoryFunc("", fset, f, body, lines), true
}

func newStoryFunc(name string, fset *token.FileSet, f *ast.File, body *ast.BlockStmt, lines []string) *storyFunc {
	fn := &storyFunc{name: name, fset: fset, file: f, body: body, lines: lines, stage: map[string]bool{}, paused: map[string]bool{}, dropped: map[ast.Stmt]bool{}}
	fn.findStage()
	fn.findUses()
	return fn
}

// line is the line of pos in lines (0-based).
func (fn *storyFunc) line(pos token.Pos) int { return fn.fset.Position(pos).Line - 2 }

// isLessonType reports whether e is *lesson.Stage or *lesson.Lane (or
// a slice of them).
func isLessonType(e ast.Expr) bool {
	switch t := e.(type) {
	case *ast.StarExpr:
		if sel, ok := t.X.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "lesson" {
				return sel.Sel.Name == "Stage" || sel.Sel.Name == "Lane"
			}
		}
	case *ast.ArrayType:
		return isLessonType(t.Elt)
	}
	return false
}

// findStage collects the names that hold the stage or a lane: the
// parameters and variables of those types, and what is assigned from
// s.Lane(...), lesson.NewStage(...) or make([]*lesson.Lane, n).
func (fn *storyFunc) findStage() {
	ast.Inspect(fn.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			if isLessonType(n.Type) {
				for _, id := range n.Names {
					fn.stage[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil && isLessonType(n.Type) {
				for _, id := range n.Names {
					fn.stage[id.Name] = true
				}
			}
		}
		return true
	})
	// paused := s.Pause(...) as a statement of its own (not an if's
	// init, whose err is that if's alone).
	fn.lists(func(list []ast.Stmt) {
		for _, st := range list {
			if as, ok := st.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && fn.isPause(as.Rhs[0]) {
				if id, ok := as.Lhs[0].(*ast.Ident); ok {
					fn.paused[id.Name] = true
				}
			}
		}
	})
	for changed := true; changed; {
		changed = false
		ast.Inspect(fn.body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, r := range as.Rhs {
				id, ok := as.Lhs[i].(*ast.Ident)
				if ok && id.Name != "_" && !fn.stage[id.Name] && fn.stageValue(r) {
					fn.stage[id.Name] = true
					changed = true
				}
			}
			return true
		})
	}
}

// stageValue reports whether e makes a lane or a stage, or is one
// (lanes[i]).
func (fn *storyFunc) stageValue(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.IndexExpr:
		return fn.rooted(x)
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		if pkg, ok := f.X.(*ast.Ident); ok && pkg.Name == "lesson" && f.Sel.Name == "NewStage" {
			return true
		}
		return f.Sel.Name == "Lane" && fn.rooted(f.X)
	case *ast.Ident:
		return f.Name == "make" && len(call.Args) > 0 && isLessonType(call.Args[0])
	}
	return false
}

// isPause reports whether e is a call of the stage's Pause.
func (fn *storyFunc) isPause(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Pause" && fn.rooted(sel.X)
}

// mentions reports whether e reads one of names.
func mentions(e ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// rooted reports whether e is the stage or a lane, or reached from one
// (lanes[i], s.Lane("x")).
func (fn *storyFunc) rooted(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return fn.stage[e.Name]
	case *ast.SelectorExpr:
		return fn.rooted(e.X)
	case *ast.IndexExpr:
		return fn.rooted(e.X)
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
			return fn.rooted(sel.X)
		}
	}
	return false
}

// stageCall reports whether e is a call that only talks to the stage:
// a method of the stage or a lane (not Sleep), fmt.Fprint* to the
// stage, or lesson.NewStage. A call with a receive in its arguments
// does more than talk, and is kept.
func (fn *storyFunc) stageCall(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || receives(call) {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if fn.rooted(sel.X) {
		return !storyMethods[sel.Sel.Name]
	}
	if pkg, ok := sel.X.(*ast.Ident); ok {
		switch {
		case pkg.Name == "fmt" && strings.HasPrefix(sel.Sel.Name, "Fprint"):
			return len(call.Args) > 0 && fn.rooted(call.Args[0])
		case pkg.Name == "lesson" && sel.Sel.Name == "NewStage":
			return true
		}
	}
	return false
}

// asksStage reports whether e's value comes from the stage: a stage
// call in it, not inside another call's arguments (waitOrFail(&wg,
// s.Limit(d)) is the story's wait).
func (fn *storyFunc) asksStage(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if fn.stageCall(n) {
				found = true
			}
			return false
		case *ast.FuncLit:
			return false
		}
		return !found
	})
	return found
}

// stageInit reports whether an if's init only asks the stage: err :=
// s.Pause(ctx, "...").
func (fn *storyFunc) stageInit(st ast.Stmt) bool {
	as, ok := st.(*ast.AssignStmt)
	if !ok {
		return false
	}
	for _, r := range as.Rhs {
		if !fn.stageCall(r) {
			return false
		}
	}
	return true
}

// receives reports whether n receives from a channel.
func receives(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if u, ok := x.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			found = true
		}
		return !found
	})
	return found
}

// pureFuncs are calls that only compute a value.
var pureFuncs = map[string]bool{
	"len": true, "cap": true, "min": true, "max": true,
	"float64": true, "float32": true, "int": true, "int32": true, "int64": true, "uint64": true, "string": true,
	"time.Since": true, "time.Now": true, "time.Duration": true, "lesson.Number": true, "fmt.Sprintf": true,
	"strings.Count": true, "strings.Contains": true, "strings.Join": true, "errors.Is": true,
}

// pureMethods are methods that only read.
var pureMethods = map[string]bool{"Load": true, "Err": true, "Name": true, "String": true, "Round": true,
	"Seconds": true, "Milliseconds": true, "Microseconds": true}

// pure reports whether evaluating e changes nothing: no receive, and
// only calls that compute (or only talk to the stage).
func (fn *storyFunc) pure(e ast.Node) bool {
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.FuncLit:
			ok = false
		case *ast.CallExpr:
			if fn.stageCall(n) {
				return false
			}
			switch f := n.Fun.(type) {
			case *ast.Ident:
				ok = ok && pureFuncs[f.Name]
			case *ast.SelectorExpr:
				if pkg, isPkg := f.X.(*ast.Ident); isPkg && pureFuncs[pkg.Name+"."+f.Sel.Name] {
					break
				}
				ok = ok && pureMethods[f.Sel.Name]
			default:
				ok = false
			}
		}
		return ok
	})
	return ok
}

// findUses records every name read in the body, with the statements
// around it.
func (fn *storyFunc) findUses() {
	var stack []ast.Node
	writes := map[*ast.Ident]bool{}
	ast.Inspect(fn.body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE || n.Tok == token.ASSIGN {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						writes[id] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				writes[id] = true
			}
		case *ast.Ident:
			var in []ast.Stmt
			for _, s := range stack {
				if st, ok := s.(ast.Stmt); ok {
					in = append(in, st)
				}
			}
			fn.uses = append(fn.uses, use{name: n.Name, in: in, write: writes[n]})
		}
		return true
	})
}

// read reports whether name is read by a statement that is kept, other
// than except.
func (fn *storyFunc) read(name string, except ast.Stmt) bool {
	for _, u := range fn.uses {
		if u.name != name || u.write {
			continue
		}
		gone := false
		for _, st := range u.in {
			if st == except || fn.dropped[st] {
				gone = true
				break
			}
		}
		if !gone {
			return true
		}
	}
	return false
}

// drop reports whether statement st is left out of the story.
func (fn *storyFunc) drop(st ast.Stmt) bool {
	if fn.dropped[st] {
		return true
	}
	switch st := st.(type) {
	case *ast.ExprStmt:
		return fn.stageCall(st.X)
	case *ast.DeferStmt:
		if fn.stageCall(st.Call) {
			return true
		}
		if lit, ok := st.Call.Fun.(*ast.FuncLit); ok && len(st.Call.Args) == 0 {
			return fn.emptied(lit.Body.List)
		}
	case *ast.AssignStmt:
		return fn.dropAssign(st)
	case *ast.DeclStmt:
		return fn.dropDecl(st)
	case *ast.IfStmt:
		if st.Init != nil && fn.stageInit(st.Init) {
			return true // if err := s.Pause(...); err != nil { ... }
		}
		if fn.asksStage(st.Cond) || mentions(st.Cond, fn.paused) {
			return true // if s.Options().RaceExe == "" { ... }
		}
		if !fn.emptied(st.Body.List) || !fn.pure(st.Cond) || (st.Init != nil && !fn.drop(st.Init)) {
			return false
		}
		switch e := st.Else.(type) {
		case nil:
			return true
		case *ast.BlockStmt:
			return fn.emptied(e.List)
		case *ast.IfStmt:
			return fn.drop(e)
		}
	case *ast.ForStmt:
		return fn.emptied(st.Body.List) && (st.Cond == nil || fn.pure(st.Cond)) &&
			(st.Init == nil || fn.pure(st.Init)) && (st.Post == nil || fn.pure(st.Post))
	case *ast.RangeStmt:
		return fn.emptied(st.Body.List) && fn.pure(st.X)
	case *ast.BlockStmt:
		return fn.emptied(st.List)
	case *ast.LabeledStmt:
		return fn.drop(st.Stmt)
	}
	return false
}

// dropAssign: an assignment of the stage, a lane or a value only the
// stage reads goes when nothing kept reads what it assigned.
func (fn *storyFunc) dropAssign(st *ast.AssignStmt) bool {
	if st.Tok != token.DEFINE && st.Tok != token.ASSIGN {
		return false
	}
	if len(st.Rhs) == 1 && fn.isPause(st.Rhs[0]) {
		return true // paused := s.Pause(...): its ifs go too
	}
	for _, r := range st.Rhs {
		if !fn.stageCall(r) && !fn.stageValue(r) && !fn.pure(r) {
			return false
		}
	}
	for _, l := range st.Lhs {
		switch l := l.(type) {
		case *ast.Ident:
			if l.Name != "_" && fn.read(l.Name, st) {
				return false
			}
		default:
			// lanes[i] = s.Lane(...): a lane slot, unread if lanes is.
			if !fn.rooted(l) {
				return false
			}
			if root := rootName(l); root == "" || fn.read(root, st) {
				return false
			}
		}
	}
	return true
}

// dropDecl: var x T, or var x = v, goes when nothing kept reads x.
func (fn *storyFunc) dropDecl(st *ast.DeclStmt) bool {
	gd, ok := st.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return false
	}
	for _, spec := range gd.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok {
			return false
		}
		for _, v := range vs.Values {
			if !fn.stageCall(v) && !fn.stageValue(v) && !fn.pure(v) {
				return false
			}
		}
		for _, id := range vs.Names {
			if id.Name != "_" && fn.read(id.Name, st) {
				return false
			}
		}
	}
	return true
}

func rootName(e ast.Expr) string {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return rootName(e.X)
	case *ast.IndexExpr:
		return rootName(e.X)
	}
	return ""
}

// emptied reports whether a list that held statements holds none of the
// story.
func (fn *storyFunc) emptied(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	for _, st := range list {
		if !fn.drop(st) {
			return false
		}
	}
	return true
}

// lists calls f with every list of statements in the body.
func (fn *storyFunc) lists(f func([]ast.Stmt)) {
	ast.Inspect(fn.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			f(n.List)
		case *ast.CaseClause:
			f(n.Body)
		case *ast.CommClause:
			f(n.Body)
		}
		return true
	})
}

// story filters the function's lines to its story.
func (fn *storyFunc) story() []string {
	// Drop until nothing more goes: a lane unread once its calls are
	// gone, then the stage it came from.
	for changed := true; changed; {
		changed = false
		fn.lists(func(list []ast.Stmt) {
			for _, st := range list {
				if !fn.dropped[st] && fn.drop(st) {
					fn.dropped[st] = true
					changed = true
				}
			}
		})
	}
	gone := map[int]bool{}
	edit := map[int]string{}
	fn.lists(func(list []ast.Stmt) {
		for i, st := range list {
			if !fn.dropped[st] {
				switch st := st.(type) {
				case *ast.IfStmt:
					fn.dropElse(st, gone, edit)
				case *ast.ExprStmt:
					fn.keepReceive(st, edit)
				}
				continue
			}
			first, last, ok := fn.owns(st)
			if !ok {
				continue
			}
			for l := first; l <= last; l++ {
				gone[l] = true
			}
			// The comment just above goes with it, unless the next
			// statement follows at once: then it may be about that one.
			followed := i+1 < len(list) && !fn.dropped[list[i+1]] && fn.line(list[i+1].Pos()) == last+1
			if c := fn.commentAbove(first); c >= 0 && !followed {
				for l := c; l < first; l++ {
					gone[l] = true
				}
			}
		}
	})
	var out []string
	for i, l := range fn.lines {
		if gone[i] {
			continue
		}
		if e, ok := edit[i]; ok {
			l = e
		}
		out = append(out, l)
	}
	return squeeze(out)
}

// keepReceive shows s.Say("got %d", <-queue) as what it does for the
// story: <-queue.
func (fn *storyFunc) keepReceive(st *ast.ExprStmt, edit map[int]string) {
	call, ok := st.X.(*ast.CallExpr)
	if !ok || !receives(call) {
		return
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !fn.rooted(sel.X) || storyMethods[sel.Sel.Name] {
		return
	}
	var recv []ast.Node
	ast.Inspect(call, func(n ast.Node) bool {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			recv = append(recv, u)
			return false
		}
		return true
	})
	first, last, ok := fn.owns(st)
	if !ok || first != last || len(recv) != 1 {
		return
	}
	p, e := fn.fset.Position(recv[0].Pos()), fn.fset.Position(recv[0].End())
	text := fn.lines[first]
	if p.Line != e.Line || e.Column-1 > len(text) {
		return
	}
	indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	edit[first] = indent + text[p.Column-1:e.Column-1]
}

// dropElse leaves out an else whose block holds none of the story:
// "} else {" becomes "}".
func (fn *storyFunc) dropElse(st *ast.IfStmt, gone map[int]bool, edit map[int]string) {
	e, ok := st.Else.(*ast.BlockStmt)
	if !ok || !fn.emptied(e.List) {
		return
	}
	open, end := fn.line(e.Lbrace), fn.line(e.Rbrace)
	if open < 0 || end >= len(fn.lines) {
		return
	}
	text := fn.lines[open]
	k := strings.LastIndex(text, "} else {")
	if k < 0 || strings.TrimSpace(text[k+len("} else {"):]) != "" || strings.TrimSpace(fn.lines[end]) != "}" {
		return
	}
	edit[open] = text[:k+1]
	for l := open + 1; l <= end; l++ {
		gone[l] = true
	}
}

// owns returns the lines of st when it has them to itself: nothing but
// spaces before it, nothing but spaces or a comment after it.
func (fn *storyFunc) owns(st ast.Stmt) (first, last int, ok bool) {
	p, e := fn.fset.Position(st.Pos()), fn.fset.Position(st.End())
	first, last = p.Line-2, e.Line-2
	if first < 0 || last >= len(fn.lines) {
		return 0, 0, false
	}
	before := fn.lines[first]
	if p.Column-1 > len(before) || strings.TrimSpace(before[:p.Column-1]) != "" {
		return 0, 0, false
	}
	after := fn.lines[last]
	if e.Column-1 > len(after) {
		return 0, 0, false
	}
	rest := strings.TrimSpace(after[e.Column-1:])
	if rest != "" && !strings.HasPrefix(rest, "//") {
		return 0, 0, false
	}
	return first, last, true
}

// commentAbove returns the first line of the comment lines right above
// line, or -1.
func (fn *storyFunc) commentAbove(line int) int {
	c := -1
	for l := line - 1; l >= 0 && strings.HasPrefix(strings.TrimSpace(fn.lines[l]), "//"); l-- {
		c = l
	}
	return c
}

// squeeze removes the blank lines that leaving statements out made: two
// in a row, and those right inside a brace.
func squeeze(lines []string) []string {
	var out []string
	for i, l := range lines {
		blank := strings.TrimSpace(l) == ""
		if blank {
			if len(out) == 0 || strings.TrimSpace(out[len(out)-1]) == "" || strings.HasSuffix(out[len(out)-1], "{") {
				continue
			}
			if i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "}") {
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// child returns the demo of l that this one runs in a child process
// (s.Child(ctx, lesson.ChildSpec{Name: "x", ...})), the first one.
func (fn *storyFunc) child(l lesson.Lesson, d lesson.Demo) (lesson.Demo, bool) {
	var name string
	ast.Inspect(fn.body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || name != "" {
			return name == ""
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "Child" && sel.Sel.Name != "Program") || !fn.rooted(sel.X) || len(call.Args) < 2 {
			return true
		}
		spec, ok := ast.Unparen(call.Args[1]).(*ast.CompositeLit)
		if !ok {
			return true
		}
		for _, e := range spec.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
				if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					name, _ = strconv.Unquote(lit.Value)
				}
			}
		}
		return true
	})
	if name == "" || name == d.Name {
		return lesson.Demo{}, false
	}
	for _, c := range slices.Concat(l.Children, l.Demos) {
		if c.Name == name && c.Run != nil {
			return c, true
		}
	}
	return lesson.Demo{}, false
}
