package mutate

import (
	"fmt"
	"go/ast"
	"slices"
	"strings"
)

// lockKind is a pair of methods that take and release a lock.
type lockKind struct{ lock, unlock string }

var (
	writeLock = lockKind{"Lock", "Unlock"}
	readLock  = lockKind{"RLock", "RUnlock"}
)

// lockUse is one call of a lock method, as a statement (or deferred).
type lockUse struct {
	stmt ast.Stmt // *ast.ExprStmt or *ast.DeferStmt
	call *ast.CallExpr
}

// section is the calls that take and release one mutex for one stretch of
// a function: a Lock and the Unlock it pairs with (plus the Unlocks before
// early returns between them), or, when the function's calls on that
// mutex do not pair up block by block (a lock released and retaken in a
// loop), all of them.
type section struct {
	fn      string
	recv    string // the mutex as written, e.g. "c.mu"
	kind    lockKind
	locks   []lockUse
	unlocks []lockUse
	whole   bool // every call on recv in fn, not one pair
}

// lockStmt matches x.Lock() or x.RLock() as a statement.
func (f *file) lockStmt(s ast.Stmt) (recv string, k lockKind, use lockUse, ok bool) {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return "", k, use, false
	}
	x, name, call, ok := methodCall(es.X, "Lock", "RLock")
	if !ok {
		return "", k, use, false
	}
	k = writeLock
	if name == "RLock" {
		k = readLock
	}
	return f.expr(x), k, lockUse{s, call}, true
}

// unlockStmt matches recv's unlock of kind k, as a statement or deferred.
func (f *file) unlockStmt(s ast.Stmt, recv string, k lockKind) (lockUse, bool) {
	var e ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.DeferStmt:
		e = s.Call
	default:
		return lockUse{}, false
	}
	x, _, call, ok := methodCall(e, k.unlock)
	if !ok || f.expr(x) != recv {
		return lockUse{}, false
	}
	return lockUse{s, call}, true
}

// expr is e as written, on one line: how two mentions of a mutex are
// recognized as the same one.
func (f *file) expr(e ast.Expr) string { return strings.Join(strings.Fields(f.text(e)), "") }

// sections finds every lock section of the file.
func (f *file) sections() []section {
	var out []section
	f.funcBodies(func(fn string, body *ast.BlockStmt) {
		paired := map[ast.Stmt]bool{}
		inspectShallow(body, func(n ast.Node) bool {
			if list := stmtList(n); list != nil {
				for _, s := range f.pairsIn(fn, list) {
					out = append(out, s)
					paired[s.locks[0].stmt] = true
				}
			}
			return true
		})
		// The calls that did not pair up, grouped by mutex.
		type key struct {
			recv string
			kind lockKind
		}
		var order []key
		groups := map[key]*section{}
		inspectShallow(body, func(n ast.Node) bool {
			s, ok := n.(ast.Stmt)
			if !ok {
				return true
			}
			if recv, k, use, ok := f.lockStmt(s); ok {
				g := groups[key{recv, k}]
				if g == nil {
					g = &section{fn: fn, recv: recv, kind: k, whole: true}
					groups[key{recv, k}] = g
					order = append(order, key{recv, k})
				}
				g.locks = append(g.locks, use)
			}
			return true
		})
		inspectShallow(body, func(n ast.Node) bool {
			s, ok := n.(ast.Stmt)
			if !ok {
				return true
			}
			for k, g := range groups {
				if use, ok := f.unlockStmt(s, k.recv, k.kind); ok {
					g.unlocks = append(g.unlocks, use)
				}
			}
			return true
		})
		for _, k := range order {
			g := groups[k]
			if len(g.unlocks) > 0 && slices.ContainsFunc(g.locks, func(u lockUse) bool { return !paired[u.stmt] }) {
				out = append(out, *g)
			}
		}
	})
	slices.SortStableFunc(out, func(a, b section) int { return int(a.locks[0].call.Pos() - b.locks[0].call.Pos()) })
	return out
}

// stmtList is the statement list that n holds, if it holds one.
func stmtList(n ast.Node) []ast.Stmt {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	return nil
}

// pairsIn finds each Lock in list whose Unlock (deferred or not) follows
// in the same list, with the Unlocks of early returns in between.
func (f *file) pairsIn(fn string, list []ast.Stmt) []section {
	var out []section
	for i, s := range list {
		recv, k, use, ok := f.lockStmt(s)
		if !ok {
			continue
		}
		sec := section{fn: fn, recv: recv, kind: k, locks: []lockUse{use}}
	scan:
		for _, next := range list[i+1:] {
			if u, ok := f.unlockStmt(next, recv, k); ok {
				sec.unlocks = append(sec.unlocks, u)
				out = append(out, sec)
				break
			}
			if r, _, _, ok := f.lockStmt(next); ok && r == recv {
				break
			}
			relocks := false
			inspectShallow(next, func(n ast.Node) bool {
				s, ok := n.(ast.Stmt)
				if !ok {
					return true
				}
				if u, ok := f.unlockStmt(s, recv, k); ok {
					sec.unlocks = append(sec.unlocks, u)
				}
				if r, _, _, ok := f.lockStmt(s); ok && r == recv {
					relocks = true
				}
				return true
			})
			if relocks {
				break scan
			}
		}
	}
	return out
}

func (s section) uses() []lockUse { return append(slices.Clone(s.locks), s.unlocks...) }

// name says which calls the section is, for descriptions.
func (s section) name() string {
	if s.whole {
		return fmt.Sprintf("all %d %s.%s()/%s() calls in %s", len(s.uses()), s.recv, s.kind.lock, s.kind.unlock, s.fn)
	}
	d := fmt.Sprintf("%s.%s()/%s.%s() pair", s.recv, s.kind.lock, s.recv, s.kind.unlock)
	if _, ok := s.unlocks[len(s.unlocks)-1].stmt.(*ast.DeferStmt); ok {
		d = fmt.Sprintf("%s.%s()/defer %s.%s() pair", s.recv, s.kind.lock, s.recv, s.kind.unlock)
	}
	if n := len(s.unlocks) - 1; n > 0 {
		d += fmt.Sprintf(" (and the %s() before %d early return%s)", s.kind.unlock, n, plural(n))
	}
	return d
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (f *file) deleteLockPairs() []mutation {
	var out []mutation
	for _, s := range f.sections() {
		m := mutation{at: s.locks[0].call.Pos(), what: "deleted " + s.name()}
		for _, u := range s.uses() {
			m.edits = append(m.edits, f.dropCallStmt(u.stmt, u.call))
		}
		out = append(out, m)
	}
	return out
}

// dropCallStmt deletes a statement that calls a method, keeping the method
// value as an expression so that no variable is left unused: "_ = mu.Lock"
// evaluates &mu, and touches neither the mutex nor anything else.
func (f *file) dropCallStmt(s ast.Stmt, call *ast.CallExpr) edit {
	return f.replace(s, "_ = "+f.text(call.Fun))
}

func (f *file) lockToRLock() []mutation { return f.switchKind(writeLock, readLock) }
func (f *file) rlockToLock() []mutation { return f.switchKind(readLock, writeLock) }

// switchKind makes sections of kind from use the methods of kind to. A
// mutex declared in the file as a sync.Mutex (and not also as something
// else under the same name) has no RLock: it is left alone.
func (f *file) switchKind(from, to lockKind) []mutation {
	declared := f.typedNames("sync")
	var out []mutation
	for _, s := range f.sections() {
		types := declared[lastName(s.locks[0].call.Fun.(*ast.SelectorExpr).X)]
		if s.kind != from || len(types) == 1 && types["Mutex"] {
			continue
		}
		m := mutation{at: s.locks[0].call.Pos(), what: fmt.Sprintf("made %s %s()/%s()", s.name(), to.lock, to.unlock)}
		for _, u := range s.locks {
			m.edits = append(m.edits, f.replace(u.call.Fun.(*ast.SelectorExpr).Sel, to.lock))
		}
		for _, u := range s.unlocks {
			m.edits = append(m.edits, f.replace(u.call.Fun.(*ast.SelectorExpr).Sel, to.unlock))
		}
		out = append(out, m)
	}
	return out
}

func (f *file) swapLocks() []mutation {
	var out []mutation
	f.stmtLists(func(list []ast.Stmt) {
		for i, s := range list {
			recv, _, first, ok := f.lockStmt(s)
			if !ok {
				continue
			}
			for _, next := range list[i+1:] {
				if _, ok := next.(*ast.DeferStmt); ok {
					continue
				}
				if r, _, second, ok := f.lockStmt(next); ok && r != recv {
					out = append(out, mutation{
						at:   first.call.Pos(),
						what: fmt.Sprintf("swapped %s and %s", f.text(first.call), f.text(second.call)),
						edits: []edit{
							f.replace(first.call, f.text(second.call)),
							f.replace(second.call, f.text(first.call)),
						},
					})
				}
				break
			}
		}
	})
	return out
}

// splitCritical releases and retakes the lock right after a check of
// shared state made under it: at the start of the check's branch, and
// between the check and the next statement (while the lock is still
// held there). What the check saw may be stale by the time the code that
// relies on it runs: the check-then-act bug.
func (f *file) splitCritical() []mutation {
	var out []mutation
	f.funcBodies(func(_ string, body *ast.BlockStmt) {
		type key struct {
			recv string
			kind lockKind
		}
		seen := map[key]bool{}
		inspectShallow(body, func(n ast.Node) bool {
			if s, ok := n.(ast.Stmt); ok {
				if recv, k, _, ok := f.lockStmt(s); ok && !seen[key{recv, k}] {
					seen[key{recv, k}] = true
					out = append(out, f.splitsIn(body, recv, k)...)
				}
			}
			return true
		})
	})
	return out
}

// splitsIn follows whether recv is held through body, statement by
// statement, and splits after every check made while it is.
func (f *file) splitsIn(body *ast.BlockStmt, recv string, k lockKind) []mutation {
	var out []mutation
	again := fmt.Sprintf("%s.%s(); %s.%s()", recv, k.unlock, recv, k.lock)
	// copies names the locals assigned from shared state while the lock
	// was held (v, ok := m[key]): a check of them (if !ok) is a check of
	// that state, as stale once the lock was let go.
	copies := map[string]bool{}
	noteCopies := func(s ast.Stmt, held bool) {
		a, ok := s.(*ast.AssignStmt)
		if !ok || !held || !slices.ContainsFunc(a.Rhs, f.readsState) {
			return
		}
		for _, l := range a.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				copies[id.Name] = true
			}
		}
	}
	checks := func(s *ast.IfStmt) bool {
		if f.readsState(s.Cond) {
			return true
		}
		found := false
		inspectShallow(s.Cond, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && copies[id.Name] {
				found = true
			}
			return !found
		})
		return found
	}
	var walk func(list []ast.Stmt, held bool) bool
	walkIf := func(s *ast.IfStmt, held bool) bool {
		var after []bool // the states in which control can leave the if
		if a := walk(s.Body.List, held); !terminates(s.Body.List) {
			after = append(after, a)
		}
		switch e := s.Else.(type) {
		case nil:
			after = append(after, held)
		case *ast.BlockStmt:
			if a := walk(e.List, held); !terminates(e.List) {
				after = append(after, a)
			}
		default:
			after = append(after, walk([]ast.Stmt{e}, held))
		}
		if len(after) == 0 {
			return held // nothing after the if runs from here
		}
		for _, a := range after[1:] {
			if a != after[0] {
				return false // held on some paths only: split no further
			}
		}
		return after[0]
	}
	walk = func(list []ast.Stmt, held bool) bool {
		for i, s := range list {
			switch s := s.(type) {
			case *ast.ExprStmt:
				if r, kk, _, ok := f.lockStmt(s); ok && r == recv && kk == k {
					held = true
				} else if _, ok := f.unlockStmt(s, recv, k); ok {
					held = false
				}
			case *ast.AssignStmt:
				noteCopies(s, held)
			case *ast.IfStmt:
				if s.Init != nil {
					noteCopies(s.Init, held)
				}
				check := held && checks(s)
				if check && len(s.Body.List) > 0 && !f.trivial(s.Body.List[0], recv, k) {
					out = append(out, mutation{
						at:    s.Body.Lbrace,
						what:  fmt.Sprintf("released and retook %s between the check %s and its branch", recv, f.short(s.Cond)),
						edits: []edit{f.insert(s.Body.Lbrace+1, " "+again+";")},
					})
				}
				held = walkIf(s, held)
				if check && held && i+1 < len(list) && !f.trivial(list[i+1], recv, k) {
					out = append(out, mutation{
						at:    s.End() - 1,
						what:  fmt.Sprintf("released and retook %s between the check %s and the statement after it", recv, f.short(s.Cond)),
						edits: []edit{f.insert(s.End(), "; "+again)},
					})
				}
			case *ast.BlockStmt:
				held = walk(s.List, held)
			case *ast.LabeledStmt:
				held = walk([]ast.Stmt{s.Stmt}, held)
			case *ast.ForStmt:
				walk(s.Body.List, held)
			case *ast.RangeStmt:
				walk(s.Body.List, held)
			case *ast.SwitchStmt:
				walk(s.Body.List, held)
			case *ast.TypeSwitchStmt:
				walk(s.Body.List, held)
			case *ast.SelectStmt:
				walk(s.Body.List, held)
			case *ast.CaseClause:
				walk(s.Body, held)
			case *ast.CommClause:
				walk(s.Body, held)
			}
		}
		return held
	}
	walk(body.List, false)
	return out
}

// trivial reports whether s is a statement that releasing and retaking
// the lock just before it cannot change: a return of nothing shared, a
// break or continue, or the unlock itself.
func (f *file) trivial(s ast.Stmt, recv string, k lockKind) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return !slices.ContainsFunc(s.Results, f.readsState)
	case *ast.BranchStmt, *ast.EmptyStmt:
		return true
	}
	_, ok := f.unlockStmt(s, recv, k)
	return ok
}

// terminates reports whether control never leaves list at its end.
func terminates(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	switch s := list[len(list)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		_, ok := builtinCall(s.X, "panic")
		return ok
	}
	return false
}
