package mutate

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// calls calls fn for every call expression in the file.
func (f *file) calls(fn func(call *ast.CallExpr)) {
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			fn(call)
		}
		return true
	})
}

func (f *file) broadcastToSignal() []mutation {
	var out []mutation
	f.calls(func(call *ast.CallExpr) {
		if x, _, _, ok := methodCall(call, "Broadcast"); ok {
			out = append(out, mutation{
				at:    call.Pos(),
				what:  fmt.Sprintf("made %s.Broadcast() Signal()", f.text(x)),
				edits: []edit{f.replace(call.Fun.(*ast.SelectorExpr).Sel, "Signal")},
			})
		}
	})
	return out
}

func (f *file) dropNotify() []mutation {
	var out []mutation
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if s, ok := n.(*ast.ExprStmt); ok {
			if _, _, call, ok := methodCall(s.X, "Signal", "Broadcast"); ok {
				out = append(out, mutation{at: s.Pos(), what: "deleted " + f.text(call), edits: []edit{f.dropCallStmt(s, call)}})
			}
		}
		return true
	})
	return out
}

// received is the channel that a select case receives from, or nil.
func received(comm ast.Stmt) ast.Expr {
	var e ast.Expr
	switch s := comm.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	}
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

// doneWords mark a channel that says "stop": done, quit, stop, ...
var doneWords = []string{"done", "quit", "stop", "clos", "shutdown", "cancel", "exit"}

// isDone reports whether receiving from ch waits for a stop signal:
// ch is a Done() call (a context's) or a channel named like done.
func isDone(ch ast.Expr) bool {
	var name string
	switch e := ast.Unparen(ch).(type) {
	case *ast.CallExpr:
		if len(e.Args) != 0 {
			return false
		}
		switch fn := e.Fun.(type) {
		case *ast.SelectorExpr:
			return fn.Sel.Name == "Done"
		case *ast.Ident:
			return fn.Name == "Done"
		}
		return false
	case *ast.Ident:
		name = e.Name
	case *ast.SelectorExpr:
		name = e.Sel.Name
	}
	name = strings.ToLower(name)
	return name != "" && slices.ContainsFunc(doneWords, func(w string) bool { return strings.Contains(name, w) })
}

func (f *file) dropDoneCase() []mutation {
	var out []mutation
	ast.Inspect(f.ast, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectStmt)
		if !ok || len(sel.Body.List) < 2 {
			return true
		}
		for _, c := range sel.Body.List {
			cc := c.(*ast.CommClause)
			if cc.Comm == nil {
				continue
			}
			if ch := received(cc.Comm); ch != nil && isDone(ch) {
				out = append(out, mutation{
					at:    cc.Pos(),
					what:  fmt.Sprintf("deleted case %s from the select", f.short(cc.Comm)),
					edits: []edit{f.replace(cc, "")},
				})
			}
		}
		return true
	})
	return out
}

// addDefault adds a default: to a select without one, except to a select
// that ends a function with results: falling out of it would be a
// missing return, and the mutant would not compile.
func (f *file) addDefault() []mutation {
	ending := map[*ast.SelectStmt]bool{}
	ast.Inspect(f.ast, func(n ast.Node) bool {
		var typ *ast.FuncType
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			typ, body = n.Type, n.Body
		case *ast.FuncLit:
			typ, body = n.Type, n.Body
		}
		if typ != nil && typ.Results != nil && body != nil && len(body.List) > 0 {
			if sel, ok := body.List[len(body.List)-1].(*ast.SelectStmt); ok {
				ending[sel] = true
			}
		}
		return true
	})
	var out []mutation
	ast.Inspect(f.ast, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectStmt)
		if !ok || ending[sel] || slices.ContainsFunc(sel.Body.List, func(c ast.Stmt) bool { return c.(*ast.CommClause).Comm == nil }) {
			return true
		}
		out = append(out, mutation{
			at:    sel.Pos(),
			what:  "added a default: to the select",
			edits: []edit{f.insert(sel.Body.Rbrace, "default: ")},
		})
		return true
	})
	return out
}

// isConstant matches a literal, possibly signed or in parentheses.
func isConstant(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		return (e.Op == token.SUB || e.Op == token.ADD) && isConstant(e.X)
	}
	return false
}

// moveWaitGroupAdd moves wg.Add(n) from before a go statement into the
// goroutine, where it may run after wg.Wait has already returned. A go
// statement without a function literal, go p.work(), becomes
// go func() { p.wg.Add(1); p.work() }() (which also evaluates p later).
func (f *file) moveWaitGroupAdd() []mutation {
	var out []mutation
	f.stmtLists(func(list []ast.Stmt) {
		for i := 0; i+1 < len(list); i++ {
			es, ok := list[i].(*ast.ExprStmt)
			if !ok {
				continue
			}
			call, ok := es.X.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 || !isConstant(call.Args[0]) {
				continue
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Add" {
				continue
			}
			g, ok := list[i+1].(*ast.GoStmt)
			if !ok {
				continue
			}
			add := f.text(call)
			m := mutation{at: call.Pos(), what: fmt.Sprintf("moved %s into the goroutine started after it", add)}
			m.edits = append(m.edits, f.replace(es, ""))
			if lit, ok := g.Call.Fun.(*ast.FuncLit); ok {
				m.edits = append(m.edits, f.insert(lit.Body.Lbrace+1, " "+add+";"))
			} else {
				m.edits = append(m.edits, f.replace(g.Call, "func() { "+add+"; "+f.text(g.Call)+" }()"))
			}
			out = append(out, m)
		}
	})
	return out
}

func (f *file) removeClose() []mutation {
	var out []mutation
	ast.Inspect(f.ast, func(n ast.Node) bool {
		var e ast.Expr
		switch s := n.(type) {
		case *ast.ExprStmt:
			e = s.X
		case *ast.DeferStmt:
			e = s.Call
		default:
			return true
		}
		if call, ok := builtinCall(e, "close"); ok && len(call.Args) == 1 {
			out = append(out, mutation{
				at:    n.Pos(),
				what:  "deleted " + f.short(n),
				edits: []edit{f.replace(n, "_ = "+f.text(call.Args[0]))},
			})
		}
		return true
	})
	return out
}

// chanMakes calls fn for every make(chan T) and make(chan T, n).
func (f *file) chanMakes(fn func(call *ast.CallExpr)) {
	f.calls(func(call *ast.CallExpr) {
		if _, ok := builtinCall(call, "make"); ok && len(call.Args) > 0 {
			if _, ok := call.Args[0].(*ast.ChanType); ok {
				fn(call)
			}
		}
	})
}

func unbufferedSize(call *ast.CallExpr) bool {
	if len(call.Args) == 1 {
		return true
	}
	lit, ok := call.Args[1].(*ast.BasicLit)
	return ok && lit.Value == "0"
}

func (f *file) unbuffer() []mutation {
	var out []mutation
	f.chanMakes(func(call *ast.CallExpr) {
		if len(call.Args) != 2 || unbufferedSize(call) {
			return
		}
		from, to := f.off(call.Args[0].End()), f.off(call.Args[1].End())
		gone := strings.Repeat("\n", strings.Count(string(f.src[from:to]), "\n"))
		out = append(out, mutation{
			at:    call.Pos(),
			what:  fmt.Sprintf("made %s unbuffered", f.short(call)),
			edits: []edit{{from, to, gone}},
		})
	})
	return out
}

func (f *file) buffer() []mutation {
	var out []mutation
	f.chanMakes(func(call *ast.CallExpr) {
		if !unbufferedSize(call) {
			return
		}
		e := f.insert(call.Rparen, ", 1")
		if len(call.Args) == 2 {
			e = f.replace(call.Args[1], "1")
		}
		out = append(out, mutation{at: call.Pos(), what: fmt.Sprintf("gave %s a buffer of 1", f.short(call)), edits: []edit{e}})
	})
	return out
}

// predeclared are the predeclared functions, which cannot be values.
var predeclared = []string{"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len",
	"make", "max", "min", "new", "panic", "print", "println", "real", "recover"}

// removeDefer deletes a defer statement but keeps evaluating what the
// defer evaluated, the function value and the arguments, so that no
// variable is left unused: "defer cancel()" becomes "_ = cancel".
func (f *file) removeDefer() []mutation {
	var out []mutation
	ast.Inspect(f.ast, func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return true
		}
		var values []string
		if id, ok := d.Call.Fun.(*ast.Ident); !ok || !slices.Contains(predeclared, id.Name) {
			values = append(values, f.text(d.Call.Fun))
		}
		for _, a := range d.Call.Args {
			values = append(values, f.text(a))
		}
		text := ""
		if len(values) > 0 {
			text = strings.Repeat("_, ", len(values)-1) + "_ = " + strings.Join(values, ", ")
		}
		out = append(out, mutation{at: d.Pos(), what: "deleted " + f.short(d), edits: []edit{f.replace(d, text)}})
		return true
	})
	return out
}

// atomicTypes are the sync/atomic types with methods.
var atomicTypes = []string{"Bool", "Int32", "Int64", "Pointer", "Uint32", "Uint64", "Uintptr", "Value"}

// racyAdd is appended to a mutant that needs an Add's result.
//
// The load is a call in the mutant's own line (x.Load(), its value
// passed in), as a learner would write it, so that the grader's gaps
// after atomic loads (runner/grade's Gapped) see it.
const racyAdd = `// conclabRacyAdd is what mutate's racy-atomic operator made of an atomic
// Add whose result is used: a load and a store, each atomic, the pair not.
func conclabRacyAdd[V int32 | int64 | uint32 | uint64 | uintptr](loaded V, store func(V), d V) V {
	v := loaded + d
	store(v)
	return v
}
`

// typedNames finds the variables and fields declared with a type of the
// package imported from path (or a pointer to one, or an instance of a
// generic one), and returns for each name the set of those types it is
// declared with. Without type checking, x.Add(1) is an atomic add when x's
// name (or field name) is declared with a sync/atomic type.
func (f *file) typedNames(path string) map[string]map[string]bool {
	pkg := ""
	for _, im := range f.ast.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == path {
			pkg = path[strings.LastIndex(path, "/")+1:]
			if im.Name != nil {
				pkg = im.Name.Name
			}
		}
	}
	names := map[string]map[string]bool{}
	if pkg == "" {
		return names
	}
	typeOf := func(t ast.Expr) string {
		for {
			switch e := t.(type) {
			case *ast.StarExpr:
				t = e.X
				continue
			case *ast.IndexExpr:
				t = e.X
				continue
			case *ast.IndexListExpr:
				t = e.X
				continue
			case *ast.SelectorExpr:
				if id, ok := e.X.(*ast.Ident); ok && id.Name == pkg {
					return e.Sel.Name
				}
			}
			return ""
		}
	}
	ast.Inspect(f.ast, func(n ast.Node) bool {
		var ids []*ast.Ident
		var t ast.Expr
		switch n := n.(type) {
		case *ast.Field:
			ids, t = n.Names, n.Type
		case *ast.ValueSpec:
			ids, t = n.Names, n.Type
		}
		if t == nil {
			return true
		}
		if tn := typeOf(t); tn != "" {
			for _, id := range ids {
				if names[id.Name] == nil {
					names[id.Name] = map[string]bool{}
				}
				names[id.Name][tn] = true
			}
		}
		return true
	})
	return names
}

// lastName is the name that x ends with: mu for mu and for c.mu.
func lastName(x ast.Expr) string {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

func (f *file) racyAtomic() []mutation {
	names := f.typedNames("sync/atomic")
	statement := map[*ast.CallExpr]bool{}
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if s, ok := n.(*ast.ExprStmt); ok {
			if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
				statement[call] = true
			}
		}
		return true
	})
	paren := func(e ast.Expr) string {
		switch e.(type) {
		case *ast.Ident, *ast.BasicLit, *ast.SelectorExpr:
			return f.text(e)
		}
		return "(" + f.text(e) + ")"
	}
	var out []mutation
	f.calls(func(call *ast.CallExpr) {
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return
		}
		if !slices.ContainsFunc(atomicTypes, func(t string) bool { return names[lastName(sel.X)][t] }) {
			return
		}
		x := f.text(sel.X)
		m := mutation{at: call.Pos()}
		switch {
		case sel.Sel.Name == "Add" && len(call.Args) == 1 && statement[call]:
			m.what = fmt.Sprintf("made %s a load and a store", f.short(call))
			m.edits = []edit{f.replace(call, fmt.Sprintf("%s.Store(%s.Load() + %s)", x, x, paren(call.Args[0])))}
		case sel.Sel.Name == "Add" && len(call.Args) == 1:
			m.what = fmt.Sprintf("made %s a load and a store", f.short(call))
			m.edits = []edit{f.replace(call, fmt.Sprintf("conclabRacyAdd(%s.Load(), %s.Store, %s)", x, x, f.text(call.Args[0])))}
			m.tail = racyAdd
		case sel.Sel.Name == "CompareAndSwap" && len(call.Args) == 2:
			m.what = fmt.Sprintf("made %s a load, a comparison and a store", f.short(call))
			m.edits = []edit{f.replace(call, fmt.Sprintf("(%s.Load() == %s && func() bool { %s.Store(%s); return true }())",
				x, paren(call.Args[0]), x, f.text(call.Args[1])))}
		default:
			return
		}
		out = append(out, m)
	})
	return out
}

func (f *file) dropRecover() []mutation {
	var out []mutation
	f.calls(func(call *ast.CallExpr) {
		if _, ok := builtinCall(call, "recover"); ok && len(call.Args) == 0 {
			out = append(out, mutation{at: call.Pos(), what: "made recover() any(nil)", edits: []edit{f.replace(call, "any(nil)")}})
		}
	})
	return out
}
