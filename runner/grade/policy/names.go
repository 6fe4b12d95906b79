package policy

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// foreignNames refuses the names that p's files use without declaring
// them. The learner's files are compiled with the graded tests and the
// grader's own files in one package, so such a name would be theirs: a
// helper of an internal test file, the census's nonce.
//
// go/types resolves every name in scope; the packages the files import
// are stand-ins, empty, so nothing is read from disk, and what their
// members are does not matter: a selector's right-hand side is never a
// name in scope.
func (c *checker) foreignNames(p *pkg) {
	if len(p.files) == 0 {
		return
	}
	files := make([]*ast.File, len(p.files))
	for i, f := range p.files {
		files[i] = f.ast
	}
	info := &types.Info{
		Defs:  map[*ast.Ident]types.Object{},
		Uses:  map[*ast.Ident]types.Object{},
		Types: map[ast.Expr]types.TypeAndValue{},
	}
	conf := types.Config{Importer: standIns{}, FakeImportC: true, Error: func(error) {}}
	scope, ok := typeCheck(conf, c.fset, files, info)
	if !ok {
		for _, f := range p.files {
			c.add(f.ast.Name.Pos(), RuleUnchecked, "write it more plainly",
				"the policy could not check this file's names: refused rather than trusted")
		}
		return
	}
	for _, f := range p.files {
		if len(f.dots) > 0 {
			continue // the dot import is refused; its names are unknown
		}
		seen := map[string]bool{}
		var stack []ast.Node
		ast.Inspect(f.ast, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			stack = append(stack, n)
			id, ok := n.(*ast.Ident)
			if !ok || id.Name == "_" || seen[id.Name] {
				return true
			}
			if _, ok := info.Defs[id]; ok {
				return true
			}
			if _, ok := info.Uses[id]; ok {
				return true
			}
			if len(stack) >= 2 && notAName(id, stack[len(stack)-2], stack, info) {
				return true
			}
			// go/types leaves some names unrecorded where an operand is
			// already invalid (the stand-ins' types are): the T of
			// x.(T) or of atomic.Pointer[T]. Look them up in scope.
			if inner := scope.Innermost(id.Pos()); inner != nil {
				if _, obj := inner.LookupParent(id.Name, id.Pos()); obj != nil {
					return true
				}
			}
			// It also leaves unchecked the function literals passed to
			// a call of an invalid value (f()(func() {...})): their
			// own declarations are in no scope it made.
			if lit := uncheckedFuncLit(stack, info); lit != nil && declaresName(lit, id.Name) {
				return true
			}
			seen[id.Name] = true
			c.name = id.Name
			c.add(id.Pos(), RuleForeignName, "declare what you need in your own file: the tests' helpers and the grader's names are not yours to use",
				"uses %s, which your files do not declare: not allowed (in the test binary it is the tests' or the grader's)", shown(id.Name))
			return true
		})
	}
}

// notAName reports whether id, unresolved, stands where an identifier
// is not looked up in scope: the right-hand side of a selector, or a
// key in a composite literal of a type the stand-ins leave unknown (a
// field name of another package's struct), a field's or parameter's
// name.
func notAName(id *ast.Ident, parent ast.Node, stack []ast.Node, info *types.Info) bool {
	switch p := parent.(type) {
	case *ast.SelectorExpr:
		return p.Sel == id
	case *ast.Field:
		// A field, method or parameter name declares; go/types leaves
		// it unrecorded in a type it does not check, such as the
		// interface{ M() } of x.(interface{ M() }) when x is invalid.
		return slices.Contains(p.Names, id)
	case *ast.KeyValueExpr:
		if p.Key != id || len(stack) < 3 {
			return false
		}
		lit, ok := stack[len(stack)-3].(*ast.CompositeLit)
		if !ok {
			return false
		}
		t := info.Types[lit].Type
		if t == nil {
			return true
		}
		switch t.Underlying().(type) {
		case *types.Map, *types.Slice, *types.Array:
			return false // the key is an expression
		}
		return true
	}
	return false
}

// typeCheck runs go/types on files and returns the package's scope, or
// false if it panicked.
func typeCheck(conf types.Config, fset *token.FileSet, files []*ast.File, info *types.Info) (scope *types.Scope, ok bool) {
	defer func() {
		if recover() != nil {
			scope, ok = nil, false
		}
	}()
	p, _ := conf.Check("learner", fset, files, info) // errors are the compiler's to report
	if p == nil {
		return nil, false
	}
	return p.Scope(), true
}

// standIns imports every package as an empty stand-in with the
// conventional name.
type standIns struct{}

func (standIns) Import(path string) (*types.Package, error) {
	p := types.NewPackage(path, defaultName(path))
	p.MarkComplete()
	return p, nil
}

// uncheckedFuncLit returns the outermost function literal in stack that
// go/types did not check, or nil.
func uncheckedFuncLit(stack []ast.Node, info *types.Info) *ast.FuncLit {
	for _, n := range stack {
		if lit, ok := n.(*ast.FuncLit); ok {
			if _, checked := info.Types[lit]; !checked {
				return lit
			}
		}
	}
	return nil
}

// declaresName reports whether name is declared anywhere in n: as a
// parameter, result or field, by :=, var, const or type, or as a label.
// Where go/types made no scope this is the best there is; it can only
// accept a name it should refuse when the learner also declares that
// name in the same function literal.
func declaresName(n ast.Node, name string) bool {
	found := false
	is := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok && id.Name == name {
			found = true
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			for _, id := range n.Names {
				is(id)
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, e := range n.Lhs {
					is(e)
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				if n.Key != nil {
					is(n.Key)
				}
				if n.Value != nil {
					is(n.Value)
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				is(id)
			}
		case *ast.TypeSpec:
			is(n.Name)
		case *ast.LabeledStmt:
			is(n.Label)
		}
		return !found
	})
	return found
}
