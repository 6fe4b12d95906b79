// Package policy decides, before anything is built, whether a learner's
// files keep to what their exercise allows.
//
// The learner's code runs inside the test process that grades it, in the
// same package as the graded tests and the grader's census. Left alone it
// could read the census's nonce, change the scheduler the tests rely on,
// end the process early or reach outside it. Check reads the files with
// go/parser (and go/types, with stand-in packages: nothing is imported,
// built or run) and refuses:
//
//   - imports the exercise does not list (exercises.Exercise.Imports),
//     and some whatever the list: unsafe, C, os/exec, syscall,
//     golang.org/x/sys/..., plugin, runtime/cgo;
//   - dot imports, which would hide where a name comes from;
//   - any reference (a call, a method value, a dot-imported name) to a
//     function that changes or leaves the process: runtime.GOMAXPROCS
//     (but GOMAXPROCS(0), which only asks), runtime.LockOSThread, the
//     setters of runtime/debug, os.Exit, log.Fatal, os.NewFile; to the
//     grader's environment and command line (os.Getenv and its family,
//     os.Args, os.Executable, os.Getppid, os.Readlink); to other
//     processes (os.StartProcess, os.FindProcess); to reflect's
//     Value.UnsafePointer and Value.UnsafeAddr;
//   - compiler directives (//go:linkname, //go:embed, //go:norace, ...)
//     but //go:build and //go:generate; //line directives, which forge
//     positions; //export and cgo preambles;
//   - string literals that name /proc, /dev or /sys or an absolute path;
//     when the exercise allows "os", literals under /proc, /dev, /sys or
//     with a ".." element;
//   - names the learner's files use but do not declare: in the test
//     binary they would be the graded tests' or the grader's own;
//     and any name containing "conclab", which the grader reserves;
//   - literals holding test2json's framing byte (^V) or the grader's
//     marker lines, which would forge the test output the grader reads.
//
// A file that does not parse is not a violation: the compiler says what
// is wrong with it better. The exception is a file nested deeper than
// go/parser's limit, which the compiler builds: it is refused.
//
// The checks are static, so they cannot see a value computed at run
// time: a path assembled from bytes, a marker printed one rune at a time,
// a method of reflect.Value reached through Value.Method(i). The packages
// an exercise allows are therefore part of the policy: "os" and "net"
// give the learner's code the file system and the network, "reflect"
// gives it the unexported fields of anything it is handed.
package policy

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule ids, stable across releases: reports and tests match on them.
const (
	// RuleImport: an import the exercise does not list.
	RuleImport = "import"
	// RuleRefusedImport: an import refused whatever the exercise lists
	// (unsafe, C, os/exec, syscall, golang.org/x/sys/..., plugin).
	RuleRefusedImport = "refused-import"
	// RuleDotImport: import . "path".
	RuleDotImport = "dot-import"
	// RuleRuntime: a function that changes how the runtime schedules or
	// reports (runtime.GOMAXPROCS(n), runtime.LockOSThread, the
	// setters of runtime/debug).
	RuleRuntime = "runtime"
	// RuleExit: a function that ends the process (os.Exit, log.Fatal).
	RuleExit = "exit"
	// RuleProcess: the grader's process, environment or command line
	// (os.NewFile, os.Getenv and its family, os.Args, os.Readlink, ...).
	RuleProcess = "process"
	// RuleReflect: reflect's Value.UnsafePointer and Value.UnsafeAddr.
	RuleReflect = "reflect-unsafe"
	// RuleDirective: a compiler directive (//go:linkname, //go:embed,
	// ...) other than //go:build and //go:generate, or //export.
	RuleDirective = "directive"
	// RuleLineDirective: //line or /*line, which forge positions.
	RuleLineDirective = "line-directive"
	// RuleCgo: a cgo preamble (the comment above import "C").
	RuleCgo = "cgo"
	// RulePath: a string literal naming /proc, /dev, /sys, an absolute
	// path or (with "os" allowed) a path with "..".
	RulePath = "path"
	// RuleForeignName: a name the learner's files use but do not
	// declare, such as the graded tests' own helpers.
	RuleForeignName = "foreign-name"
	// RuleReservedName: a name containing "conclab".
	RuleReservedName = "reserved-name"
	// RuleMarker: a literal holding test2json's framing byte or the
	// grader's marker lines.
	RuleMarker = "marker"
	// RuleUnchecked: the checker could not read this code (nesting
	// deeper than go/parser's limit) or finish on it (go/types failed):
	// refused rather than trusted.
	RuleUnchecked = "unchecked"
)

// Violation is one thing in the learner's files that the policy refuses.
type Violation struct {
	File         string // as the learner knows it, e.g. exercises/01-counter/counter.go
	Line, Column int
	Rule         string // one of the Rule constants
	Detail       string // what was found and why it is refused, one line
	Instead      string // what to do instead
	// Name is the identifier a RuleForeignName violation is about.
	Name string
}

// String is the violation as one line: file:line: detail.
func (v Violation) String() string {
	return fmt.Sprintf("%s:%d: %s", v.File, v.Line, v.Detail)
}

// Check returns what files break the policy of an exercise that allows
// the imports allowed, in file, line and column order (nil when nothing
// does). The keys of files are the file names as the learner knows
// them; files in one folder are one package. A file that does not parse
// is skipped.
//
// Check must see the learner's files as written, before any rewriting
// of the grader's own (noise, instrumentation) adds its reserved names.
func Check(files map[string][]byte, allowed []string) []Violation {
	c := &checker{fset: token.NewFileSet(), allowed: allowed, osAllowed: slices.Contains(allowed, "os")}
	// A package is the files of one folder with one package clause (a
	// file with another is a compile error, and go/types would skip it).
	packages := map[[2]string]*pkg{}
	var keys [][2]string
	broken := map[string]bool{} // folders with a file that does not parse
	for _, name := range sortedKeys(files) {
		dir := path.Dir(filepathToSlash(name))
		f, err := parser.ParseFile(c.fset, name, files[name], parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			broken[dir] = true
			c.beyondParser(err)
			continue
		}
		key := [2]string{dir, f.Name.Name}
		p := packages[key]
		if p == nil {
			p = &pkg{dir: dir}
			packages[key] = p
			keys = append(keys, key)
		}
		p.files = append(p.files, &file{name: name, ast: f})
	}
	for _, key := range keys {
		p := packages[key]
		p.incomplete = broken[p.dir]
		for _, f := range p.files {
			c.imports(f)
			c.comments(f)
			c.walk(f)
		}
		if !p.incomplete {
			c.foreignNames(p)
		}
	}
	slices.SortStableFunc(c.found, func(a, b Violation) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.Column != b.Column {
			return a.Column - b.Column
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return c.found
}

// beyondParser refuses a file that go/parser rejects for a limit of its
// own where the compiler has none: such a file builds, and skipping it
// would skip the policy. (go/parser stops at 100000 levels of nesting;
// go build compiles the file.)
func (c *checker) beyondParser(err error) {
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		return
	}
	for _, e := range list {
		if strings.Contains(e.Msg, "exceeded max nesting depth") {
			c.found = append(c.found, Violation{File: e.Pos.Filename, Line: e.Pos.Line, Column: e.Pos.Column, Rule: RuleUnchecked,
				Detail:  "nested too deeply for the policy to check: not allowed",
				Instead: "write it more plainly: a few levels of nesting are all the exercise needs"})
			return
		}
	}
}

type checker struct {
	fset      *token.FileSet
	allowed   []string
	osAllowed bool
	found     []Violation
	name      string // the identifier the next violation added is about
}

// pkg is the parsed files of one folder.
type pkg struct {
	dir        string
	files      []*file
	incomplete bool // a file did not parse: its declarations are unknown
}

type file struct {
	name string
	ast  *ast.File
	// names maps each import's name in the file (its alias, or the
	// package's name) to its path; dots lists the dot-imported paths.
	names map[string]string
	dots  []string
	paths []string // every imported path
}

func (c *checker) add(pos token.Pos, rule, instead, format string, args ...any) {
	p := c.fset.Position(pos)
	c.found = append(c.found, Violation{File: p.Filename, Line: p.Line, Column: p.Column,
		Rule: rule, Detail: fmt.Sprintf(format, args...), Instead: instead, Name: c.name})
	c.name = ""
}

// imports checks each import's path and records the names it brings
// into the file.
func (c *checker) imports(f *file) {
	f.names = map[string]string{}
	for _, spec := range f.ast.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue // the parser accepted it; the compiler will not
		}
		f.paths = append(f.paths, p)
		name := defaultName(p)
		if spec.Name != nil {
			name = spec.Name.Name
		}
		switch name {
		case ".":
			f.dots = append(f.dots, p)
			c.add(spec.Pos(), RuleDotImport, fmt.Sprintf("import it by name and write %s.Name, so that every name says where it comes from", defaultName(p)),
				"dot-imports %q: not allowed (a dot import hides where its names come from)", p)
		case "_":
		default:
			f.names[name] = p
		}
		refused, why := refusedImport(p)
		switch {
		case refused && slices.Contains(c.allowed, p):
			c.add(spec.Path.Pos(), RuleRefusedImport, importInstead(p, c.allowed),
				"imports %q: not allowed in any exercise (%s)", p, why)
		case refused:
			c.add(spec.Path.Pos(), RuleRefusedImport, importInstead(p, c.allowed),
				"imports %q: not allowed in this exercise (%s)", p, allowedList(c.allowed))
		case !slices.Contains(c.allowed, p):
			c.add(spec.Path.Pos(), RuleImport, importInstead(p, c.allowed),
				"imports %q: not allowed in this exercise (%s)", p, allowedList(c.allowed))
		}
		if p == "C" {
			doc := spec.Doc
			if doc == nil {
				for _, d := range f.ast.Decls {
					if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT && g.Pos() <= spec.Pos() && spec.End() <= g.End() && len(g.Specs) == 1 {
						doc = g.Doc
					}
				}
			}
			if doc != nil {
				c.add(doc.Pos(), RuleCgo, "write Go: the exercise is solved with the allowed packages",
					"cgo preamble: C code is not allowed")
			}
		}
	}
}

// comments checks the file's comments for directives.
func (c *checker) comments(f *file) {
	for _, g := range f.ast.Comments {
		for _, cm := range g.List {
			t := cm.Text
			switch {
			case strings.HasPrefix(t, "//go:"):
				word := directiveWord(t)
				if word == "//go:build" || word == "//go:generate" {
					continue
				}
				c.add(cm.Slash, RuleDirective, directiveInstead(word),
					"%s directive: not allowed (%s)", shown(word), directiveWhy(word))
			case strings.HasPrefix(t, "//line ") || strings.HasPrefix(t, "/*line "):
				c.add(cm.Slash, RuleLineDirective, "remove it: reports show your own lines as they are",
					"line directive: not allowed (it would make errors and races point at other lines)")
			case strings.HasPrefix(t, "//export ") || strings.HasPrefix(t, "//extern "):
				c.add(cm.Slash, RuleDirective, "remove it: the exercise is solved in Go alone",
					"%s directive: not allowed (it links the code with C)", shown(directiveWord(t)))
			}
		}
	}
}

func directiveWord(t string) string {
	word, _, _ := strings.Cut(t, " ")
	word, _, _ = strings.Cut(word, "\t")
	if len(word) > 40 {
		word = strings.ToValidUTF8(word[:40], "") + "..."
	}
	return word
}

func directiveWhy(word string) string {
	switch word {
	case "//go:linkname":
		return "it reaches other packages' unexported code, the grader's included"
	case "//go:embed":
		return "it reads files into the program"
	case "//go:norace", "//go:nocheckptr":
		return "it hides your code from the race detector's checks"
	case "//go:debug":
		return "it changes the runtime's settings"
	}
	return "compiler directives change how the grader builds your code"
}

func directiveInstead(word string) string {
	switch word {
	case "//go:norace":
		return "remove it and fix the race: the detector's report says where the accesses are"
	case "//go:embed":
		return "keep the data in your Go code as a literal"
	}
	return "remove the directive: plain Go is all the exercise needs"
}

// walk checks references to refused functions, reserved names and
// literals.
func (c *checker) walk(f *file) {
	var stack []ast.Node
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if _, ok := n.(*ast.ImportSpec); ok {
			return false // checked by imports (and f(nil) does not follow)
		}
		var parent ast.Node
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				if p, ok := f.names[x.Name]; ok {
					// The name of an import, whether or not a local
					// declaration shadows it here: refusing a harmless
					// selector is better than missing a call.
					c.member(p, n.Sel, n, stack)
					return true
				}
			}
			switch n.Sel.Name {
			case "UnsafePointer", "UnsafeAddr":
				c.add(n.Sel.Pos(), RuleReflect, "keep to reflect's safe methods, or better, to plain Go",
					"uses %s: not allowed (it turns a reflect.Value into a raw pointer)", n.Sel.Name)
			case "Fatal", "Fatalf", "Fatalln":
				// (*log.Logger).Fatal ends the process as log.Fatal
				// does; without types a logger cannot be told from
				// another value, so in a file that imports log any
				// Fatal is refused.
				if slices.Contains(f.paths, "log") {
					c.add(n.Sel.Pos(), RuleExit, exitInstead,
						"uses %s of a log.Logger: not allowed (it ends the test binary before the grader has its results)", n.Sel.Name)
				}
			}
		case *ast.Ident:
			c.reserved(n)
			sel, isSel := parent.(*ast.SelectorExpr)
			if isSel && sel.Sel == n {
				return true
			}
			for _, p := range f.dots {
				c.member(p, n, n, stack)
			}
		case *ast.BasicLit:
			c.literal(n)
		}
		return true
	})
}

// member checks a reference ref (an identifier, or the selector holding
// it) to path's member id.Name.
func (c *checker) member(path string, id *ast.Ident, ref ast.Expr, stack []ast.Node) {
	r, ok := refusedMembers[path+"."+id.Name]
	if !ok {
		return
	}
	if r.onlyZero && calledWithZero(ref, stack) {
		return
	}
	c.add(id.Pos(), r.rule, r.instead, "uses %s.%s: not allowed (%s)", path, id.Name, r.why)
}

// calledWithZero reports whether ref is called with the single
// argument 0, the way runtime.GOMAXPROCS only reads the setting.
func calledWithZero(ref ast.Expr, stack []ast.Node) bool {
	// stack ends with ref (or ref's identifier, when ref is the
	// selector holding it); find the node just outside ref.
	i := len(stack) - 1
	for i >= 0 && stack[i] != ast.Node(ref) {
		i--
	}
	for i--; i >= 0; i-- {
		if _, ok := stack[i].(*ast.ParenExpr); !ok {
			break
		}
	}
	if i < 0 {
		return false
	}
	call, ok := stack[i].(*ast.CallExpr)
	if !ok || ast.Unparen(call.Fun) != ref || len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return false
	}
	lit, ok := ast.Unparen(call.Args[0]).(*ast.BasicLit)
	return ok && lit.Kind == token.INT && lit.Value == "0"
}

// reserved refuses the names the grader gives its own code in the
// learner's package.
func (c *checker) reserved(id *ast.Ident) {
	if strings.Contains(strings.ToLower(id.Name), "conclab") {
		c.add(id.Pos(), RuleReservedName, "choose another name",
			"name %s: not allowed (names containing \"conclab\" are the grader's)", shown(id.Name))
	}
}

// literal checks a string or rune literal.
func (c *checker) literal(lit *ast.BasicLit) {
	var s string
	switch lit.Kind {
	case token.STRING:
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			return
		}
		s = v
	case token.CHAR:
		r, _, _, err := strconv.UnquoteChar(strings.Trim(lit.Value, "'"), '\'')
		if err != nil {
			return
		}
		s = string(r)
	default:
		return
	}
	low := strings.ToLower(s)
	if strings.ContainsRune(s, '\x16') || strings.Contains(low, "conclab census") || strings.Contains(low, "conclab watchdog") {
		c.add(lit.Pos(), RuleMarker, "print what your program means to say; the grader reads the test results itself",
			"literal %s: not allowed (it forges the test output the grader reads)", shownLiteral(s))
		return
	}
	if lit.Kind != token.STRING {
		return
	}
	if s == "UnsafePointer" || s == "UnsafeAddr" {
		c.add(lit.Pos(), RuleReflect, "keep to reflect's safe methods, or better, to plain Go",
			"literal %q: not allowed (it names a method that turns a reflect.Value into a raw pointer)", s)
		return
	}
	if why := c.badPath(s); why != "" {
		instead := "work with the values the tests give you; the file system is not part of this exercise"
		if c.osAllowed {
			instead = "use paths inside the folder the tests give you"
		}
		c.add(lit.Pos(), RulePath, instead, "literal %s: not allowed (%s)", shownLiteral(s), why)
	}
}

// badPath says why s is a path the learner's code must not use, or "".
func (c *checker) badPath(s string) string {
	for _, root := range []string{"/proc", "/dev", "/sys"} {
		if c.osAllowed {
			if s == root || strings.HasPrefix(s, root+"/") {
				return "it names the grader's machine, " + root
			}
			continue
		}
		for i := 0; ; {
			j := strings.Index(s[i:], root)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(root)
			if (start == 0 || !isNameByte(s[start-1])) && (end == len(s) || !isNameByte(s[end])) {
				return "it names the grader's machine, " + root
			}
			i = end
		}
	}
	if c.osAllowed {
		for _, el := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '\\' }) {
			if el == ".." {
				return "it leaves the exercise's folder"
			}
		}
		return ""
	}
	if isAbsolutePath(s) {
		return "an absolute path names the grader's machine"
	}
	return ""
}

func isNameByte(b byte) bool {
	return b == '_' || b == '-' || b == '.' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// rootDirs are the first elements of a Unix path that make a literal
// starting with "/" a path rather than, say, a chat command ("/quit").
var rootDirs = []string{"bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "private", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var", "Users", "Volumes", "System", "Library"}

// isAbsolutePath reports whether s looks like an absolute file path:
// /etc/passwd, /tmp, C:\x, \\server\share. A literal starting with "/"
// whose first element is not a system folder and that has no second
// element ("/quit", "/") is not taken for one.
func isAbsolutePath(s string) bool {
	if len(s) >= 3 && ('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') && s[1] == ':' && (s[2] == '\\' || s[2] == '/') {
		return true
	}
	if strings.HasPrefix(s, `\\`) {
		return true
	}
	if len(s) < 2 || s[0] != '/' || s[1] == '/' {
		return false
	}
	first, rest, more := strings.Cut(s[1:], "/")
	if first == "" || strings.ContainsFunc(first, func(r rune) bool { return r > unicode.MaxASCII || !isNameByte(byte(r)) }) {
		return false
	}
	return more && rest != "" || slices.Contains(rootDirs, first)
}

// shown is s as it can appear in a one-line message.
func shown(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return strconv.Quote(s)
		}
	}
	return s
}

// shownLiteral is s quoted, cut to a readable length.
func shownLiteral(s string) string {
	if len(s) > 60 {
		i := 60
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return strconv.Quote(s[:i]) + "..."
	}
	return strconv.Quote(s)
}

func allowedList(allowed []string) string {
	if len(allowed) == 0 {
		return "this exercise allows no imports"
	}
	return "allowed: " + strings.Join(allowed, ", ")
}

// defaultName is the name an import of p brings into a file without an
// alias, as Go packages are conventionally named: the last element of
// p, without a major version (math/rand/v2: rand), a ".vN" suffix
// (gopkg.in/yaml.v3: yaml) or a "go-" prefix.
func defaultName(p string) string {
	elems := strings.Split(p, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	if i := strings.Index(name, "."); i > 0 {
		name = name[:i]
	}
	name = strings.TrimPrefix(name, "go-")
	return strings.ReplaceAll(name, "-", "_")
}

func filepathToSlash(name string) string { return strings.ReplaceAll(name, `\`, "/") }

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
