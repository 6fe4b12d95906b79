// Package mutate makes concurrency mutants of a Go source file: copies of
// it with one small change of the kind that breaks concurrent code, such
// as a deleted Lock/Unlock pair, a critical section split in two, a select
// that no longer watches ctx.Done(), a wg.Add moved into the goroutine it
// counts or an atomic add turned into a load and a store. Operators lists
// them all, and each one's Doc says what it changes.
//
// A mutant that the tests of an exercise do not notice points at a gap in
// those tests, or is equivalent: the change makes no difference anybody
// could observe. The self-check (exercises/selfcheck -mutants) runs them.
//
// The operators work on the syntax tree alone (go/ast, no type checking),
// so a few mutants do not compile (a select made non-blocking that then
// falls off the end of a function, a generic function value); the caller
// builds them and drops those ("stillborn"). Every mutant parses, and
// keeps the line numbers of the original: each change stays on the lines
// it replaces, and what a mutant needs in addition (a helper function) is
// appended after the last line. A mutant is named by its file, line and
// operator, e.g. "ledger.go:36 split-critical-section"; an operator that
// changes one line in two ways makes two mutants of that name.
package mutate

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Operator names one kind of change, e.g. "delete-lock-pair".
type Operator string

// The operators, in the order All applies them.
const (
	DeleteLockPair    Operator = "delete-lock-pair"
	LockToRLock       Operator = "lock-to-rlock"
	RLockToLock       Operator = "rlock-to-lock"
	BroadcastToSignal Operator = "broadcast-to-signal"
	DropNotify        Operator = "drop-notify"
	SplitCritical     Operator = "split-critical-section"
	SwapLocks         Operator = "swap-locks"
	DropDoneCase      Operator = "drop-done-case"
	AddDefault        Operator = "add-default"
	MoveWaitGroupAdd  Operator = "move-wg-add"
	RemoveClose       Operator = "remove-close"
	Unbuffer          Operator = "unbuffer-chan"
	Buffer            Operator = "buffer-chan"
	RemoveDefer       Operator = "remove-defer"
	RacyAtomic        Operator = "racy-atomic"
	DropRecover       Operator = "drop-recover"
)

// operators maps each operator to what it does and the function making
// its mutants.
var operators = []struct {
	op   Operator
	doc  string
	make func(*file) []mutation
}{
	{DeleteLockPair, "deletes a Lock and its Unlock (RLock and RUnlock), deferred or not; where Lock and Unlock do not pair up in one block, every Lock and Unlock of that mutex in the function", (*file).deleteLockPairs},
	{LockToRLock, "makes a Lock/Unlock pair RLock/RUnlock", (*file).lockToRLock},
	{RLockToLock, "makes an RLock/RUnlock pair Lock/Unlock", (*file).rlockToLock},
	{BroadcastToSignal, "makes Broadcast() Signal()", (*file).broadcastToSignal},
	{DropNotify, "deletes a Signal() or Broadcast() call", (*file).dropNotify},
	{SplitCritical, "releases and retakes the lock between a check of shared state and what follows it, inside the check's branch or after it", (*file).splitCritical},
	{SwapLocks, "swaps two Lock calls that follow each other (defers between them allowed)", (*file).swapLocks},
	{DropDoneCase, "deletes a select case receiving from a Done() call or a done-style channel, when the select has other cases", (*file).dropDoneCase},
	{AddDefault, "adds a default: to a select that has none", (*file).addDefault},
	{MoveWaitGroupAdd, "moves x.Add(constant), just before a go statement, into the goroutine", (*file).moveWaitGroupAdd},
	{RemoveClose, "deletes a close(ch) call", (*file).removeClose},
	{Unbuffer, "makes a buffered make(chan T, n) unbuffered", (*file).unbuffer},
	{Buffer, "gives an unbuffered make(chan T) a buffer of 1", (*file).buffer},
	{RemoveDefer, "deletes a defer statement (its function and arguments are still evaluated, never called)", (*file).removeDefer},
	{RacyAtomic, "makes x.Add(d) on a sync/atomic type a Load and a Store, and x.CompareAndSwap(a, b) a Load, a comparison and a Store", (*file).racyAtomic},
	{DropRecover, "makes recover() any(nil): recover's nil, with its type", (*file).dropRecover},
}

// Operators returns every operator, in the order All applies them.
func Operators() []Operator {
	ops := make([]Operator, len(operators))
	for i, o := range operators {
		ops[i] = o.op
	}
	return ops
}

// Doc says in one line what op changes, or "" for an unknown operator.
func (op Operator) Doc() string {
	for _, o := range operators {
		if o.op == op {
			return o.doc
		}
	}
	return ""
}

// Mutant is one changed copy of a file.
type Mutant struct {
	Operator Operator
	// Line is the line of the original that the change is on (its first
	// line, or the line of the statement it belongs to). Every line of
	// the original keeps its number in the mutant.
	Line int
	// Description says in one line where and what was changed, e.g.
	// "counter.go:19: deleted c.mu.Lock()/c.mu.Unlock() pair".
	Description string
	// Source is the whole mutated file.
	Source []byte
}

// Mutants returns every mutant that op makes of src, a Go file called
// filename, in source order. It fails if src does not parse.
func (op Operator) Mutants(filename string, src []byte) ([]Mutant, error) {
	f, err := parse(filename, src)
	if err != nil {
		return nil, err
	}
	for _, o := range operators {
		if o.op == op {
			return f.mutants(op, o.make(f))
		}
	}
	return nil, fmt.Errorf("mutate: unknown operator %q", op)
}

// All returns the mutants of every operator, in the order of Operators,
// leaving out a mutant whose source is the same as an earlier one's (a
// deferred close(ch) deleted by remove-close and by remove-defer).
func All(filename string, src []byte) ([]Mutant, error) {
	f, err := parse(filename, src)
	if err != nil {
		return nil, err
	}
	var all []Mutant
	seen := map[string]bool{}
	for _, o := range operators {
		ms, err := f.mutants(o.op, o.make(f))
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !seen[string(m.Source)] {
				seen[string(m.Source)] = true
				all = append(all, m)
			}
		}
	}
	return all, nil
}

// file is a parsed source file and what the operators need to know of it.
type file struct {
	name    string // base name, for descriptions
	src     []byte
	fset    *token.FileSet
	tf      *token.File
	ast     *ast.File
	imports map[string]bool // names under which packages are imported
}

func parse(filename string, src []byte) (*file, error) {
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("mutate: %v", err)
	}
	f := &file{name: filepath.Base(filename), src: src, fset: fset, tf: fset.File(af.Pos()), ast: af, imports: map[string]bool{}}
	for _, im := range af.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		f.imports[name] = true
	}
	return f, nil
}

// edit replaces src[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// mutation is one mutant before it is applied: where, what, and how.
type mutation struct {
	at    token.Pos
	what  string
	edits []edit
	tail  string // appended after the last line: declarations the change needs
}

func (f *file) mutants(op Operator, ms []mutation) ([]Mutant, error) {
	slices.SortStableFunc(ms, func(a, b mutation) int { return cmp.Compare(a.at, b.at) })
	var out []Mutant
	for _, m := range ms {
		src, err := f.apply(m)
		if err != nil {
			return nil, fmt.Errorf("mutate: %s %s:%d: %v", op, f.name, f.line(m.at), err)
		}
		line := f.line(m.at)
		out = append(out, Mutant{
			Operator:    op,
			Line:        line,
			Description: fmt.Sprintf("%s:%d: %s", f.name, line, m.what),
			Source:      src,
		})
	}
	return out, nil
}

// apply makes the mutant's source, and proves that it parses and that it
// kept every line where it was.
func (f *file) apply(m mutation) ([]byte, error) {
	edits := slices.Clone(m.edits)
	slices.SortFunc(edits, func(a, b edit) int { return a.from - b.from })
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		if e.from < last {
			return nil, fmt.Errorf("overlapping edits")
		}
		if bytes.Count(f.src[e.from:e.to], []byte("\n")) != strings.Count(e.text, "\n") {
			return nil, fmt.Errorf("edit of %q would move lines", f.src[e.from:e.to])
		}
		b.Write(f.src[last:e.from])
		b.WriteString(e.text)
		last = e.to
	}
	b.Write(f.src[last:])
	if m.tail != "" {
		if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			b.WriteString("\n")
		}
		b.WriteString("\n" + m.tail)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), f.name, b.Bytes(), parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("the mutant does not parse: %v", err)
	}
	return b.Bytes(), nil
}

func (f *file) off(p token.Pos) int  { return f.tf.Offset(p) }
func (f *file) line(p token.Pos) int { return f.tf.Line(p) }

// text is the source of n as written.
func (f *file) text(n ast.Node) string { return string(f.src[f.off(n.Pos()):f.off(n.End())]) }

// short is the source of n on one line, cut to a length that fits in a
// description.
func (f *file) short(n ast.Node) string {
	s := strings.Join(strings.Fields(f.text(n)), " ")
	if len(s) > 48 {
		s = s[:45] + "..."
	}
	return s
}

// replace replaces n with text, adding newlines after text so that the
// lines after n keep their numbers.
func (f *file) replace(n ast.Node, text string) edit {
	from, to := f.off(n.Pos()), f.off(n.End())
	if missing := bytes.Count(f.src[from:to], []byte("\n")) - strings.Count(text, "\n"); missing > 0 {
		text += strings.Repeat("\n", missing)
	}
	return edit{from, to, text}
}

// insert puts text (one line's worth) at p.
func (f *file) insert(p token.Pos, text string) edit {
	return edit{f.off(p), f.off(p), text}
}

// stmtLists calls fn for every statement list in the file (blocks, case
// and select clauses) with the body of the function it is in.
func (f *file) stmtLists(fn func(list []ast.Stmt)) {
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			fn(n.List)
		case *ast.CaseClause:
			fn(n.Body)
		case *ast.CommClause:
			fn(n.Body)
		}
		return true
	})
}

// funcBodies calls fn for the body of every function and function literal,
// with its name ("func literal" for literals).
func (f *file) funcBodies(fn func(name string, body *ast.BlockStmt)) {
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				fn(n.Name.Name, n.Body)
			}
		case *ast.FuncLit:
			fn("a func literal", n.Body)
		}
		return true
	})
}

// inspectShallow is ast.Inspect that does not enter function literals:
// their code runs at another time, often in another goroutine.
func inspectShallow(n ast.Node, fn func(ast.Node) bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		return fn(n)
	})
}

// methodCall matches x.name() with no arguments, returning x.
func methodCall(e ast.Expr, names ...string) (x ast.Expr, name string, call *ast.CallExpr, ok bool) {
	call, ok = ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return nil, "", nil, false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !slices.Contains(names, sel.Sel.Name) {
		return nil, "", nil, false
	}
	return sel.X, sel.Sel.Name, call, true
}

// builtinCall matches a call of the predeclared function name.
func builtinCall(e ast.Expr, name string) (*ast.CallExpr, bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return nil, false
	}
	id, ok := call.Fun.(*ast.Ident)
	return call, ok && id.Name == name
}

// readsState reports whether e reads something other than local
// variables and constants: a field, an element, a pointer's target.
func (f *file) readsState(e ast.Expr) bool {
	found := false
	inspectShallow(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); !ok || !f.imports[id.Name] {
				found = true
			}
		case *ast.IndexExpr, *ast.StarExpr:
			found = true
		}
		return !found
	})
	return found
}
