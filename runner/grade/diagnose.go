package grade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DiagnoseOptions say which packages to diagnose and how hard to look.
type DiagnoseOptions struct {
	Dir      string   // where to run go (a folder inside the module)
	Patterns []string // package patterns; "./..." if none
	// Count runs each test this many times: some races and deadlocks
	// show only in a few runs of ten.
	Count int
	// Timeout bounds one test binary (go test -timeout); a deadlocked
	// test ends there, with the goroutine dump that explains it.
	Timeout time.Duration
	// LockOrder runs the tests a second time with sync.Mutex and
	// sync.RWMutex swapped for github.com/sasha-s/go-deadlock's, which
	// reports locks taken in inconsistent orders even when this run did
	// not deadlock. It needs go-deadlock in the module's go.mod.
	LockOrder bool
	Deadline  time.Duration // the whole run; 10 minutes if zero
	OutputCap int
	Log       io.Writer
}

// deadlockModule is the lock-order checker swapped in by DiagnoseOptions.LockOrder.
const deadlockModule = "github.com/sasha-s/go-deadlock"

// listedPackage is what `go list -json` says about a package.
type listedPackage struct {
	ImportPath   string
	Dir          string
	GoFiles      []string
	TestGoFiles  []string
	XTestGoFiles []string
	Module       *struct {
		Path  string
		Dir   string
		GoMod string
	}
}

// Diagnose runs the tests of any Go packages with the grading engine and
// explains what went wrong in each: races, deadlocks (and, with
// LockOrder, lock-order inversions that did not deadlock this time),
// leaks, timeouts. Every test that ran must pass.
func Diagnose(ctx context.Context, opts DiagnoseOptions) (*Result, error) {
	if opts.Count <= 0 {
		opts.Count = 1
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.Deadline <= 0 {
		opts.Deadline = 10 * time.Minute
	}
	if opts.OutputCap <= 0 {
		opts.OutputCap = 256 << 10
	}
	if len(opts.Patterns) == 0 {
		opts.Patterns = []string{"./..."}
	}
	if _, err := exec.LookPath("go"); err != nil {
		return nil, fmt.Errorf("diagnose needs the Go toolchain: %w", err)
	}
	pkgs, err := listPackages(ctx, opts.Dir, opts.Patterns)
	if err != nil {
		return nil, err
	}
	res := &Result{Version: ReportVersion, Started: time.Now()}
	tmp, err := os.MkdirTemp("", "conclab-diagnose-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(ctx, opts.Deadline)
	defer cancel()

	var paths []string
	modDirs := map[string]bool{}
	for _, p := range pkgs {
		paths = append(paths, p.ImportPath)
		if p.Module != nil {
			modDirs[p.Module.Dir] = true
		}
	}
	own := func(file string) bool {
		for d := range modDirs {
			if strings.HasPrefix(file, d+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	gopts := Options{Root: opts.Dir, OutputCap: opts.OutputCap, Own: own, tmp: tmp}
	x := NewExecution(opts.OutputCap)
	args := []string{"-race", "-count=" + strconv.Itoa(opts.Count), "-timeout", opts.Timeout.String()}
	if err := GoTest(ctx, opts.Dir, nil, tmp, paths, args, x, opts.Log); err != nil {
		return nil, err
	}
	byPath := map[string]*ExerciseResult{}
	for i, p := range pkgs {
		er := &ExerciseResult{Number: i + 1, Slug: p.ImportPath, Title: "tests of " + p.ImportPath}
		Finish(er, x.Packages[p.ImportPath], gopts)
		byPath[p.ImportPath] = er
		res.Exercises = append(res.Exercises, er)
	}

	if opts.LockOrder {
		lockOrder(ctx, opts, pkgs, tmp, byPath, gopts)
		paths := relativePaths(gopts)
		for _, er := range res.Exercises {
			er.rewritePaths(paths) // what the second run added
		}
	}
	res.Duration = time.Since(res.Started).Seconds()
	res.Passed = true
	for _, er := range res.Exercises {
		res.Points += er.Points
		res.MaxPoints += er.MaxPoints
		if er.Verdict != Pass && er.Verdict != NoTests {
			res.Passed = false
		}
	}
	return res, nil
}

func listPackages(ctx context.Context, dir string, patterns []string) ([]listedPackage, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"list", "-json"}, patterns...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %v: %s", strings.Join(patterns, " "), err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list: %w", err)
		}
		if len(p.TestGoFiles)+len(p.XTestGoFiles) > 0 {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages with tests match %s", strings.Join(patterns, " "))
	}
	return pkgs, nil
}

// lockOrder runs the tests again with go-deadlock's Mutex and RWMutex in
// place of package sync's (through an overlay: no file on disk changes)
// and adds what it reports to each package's result.
func lockOrder(ctx context.Context, opts DiagnoseOptions, pkgs []listedPackage, tmp string, byPath map[string]*ExerciseResult, gopts Options) {
	overlay := map[string]string{}
	var paths []string
	dirs := map[string]string{}
	for _, p := range pkgs {
		dirs[p.ImportPath] = p.Dir
		if p.Module == nil || !requires(p.Module.GoMod, deadlockModule) {
			byPath[p.ImportPath].Notes = append(byPath[p.ImportPath].Notes,
				"lock-order check skipped: "+deadlockModule+" is not in the module's go.mod (go get it to enable)")
			continue
		}
		swapped := false
		for _, name := range append(append(append([]string(nil), p.GoFiles...), p.TestGoFiles...), p.XTestGoFiles...) {
			path := filepath.Join(p.Dir, name)
			src, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			out, ok := swapLocks(src)
			if !ok {
				continue
			}
			dst := filepath.Join(tmp, fmt.Sprintf("lockorder-%d-%s", len(overlay), name))
			if os.WriteFile(dst, out, 0o644) == nil {
				overlay[path] = dst
				swapped = true
			}
		}
		if swapped {
			paths = append(paths, p.ImportPath)
		}
	}
	if len(paths) == 0 {
		return
	}
	x := NewExecution(opts.OutputCap)
	args := []string{"-count=" + strconv.Itoa(opts.Count), "-timeout", opts.Timeout.String(), "-vet=off"}
	if err := GoTest(ctx, opts.Dir, overlay, tmp, paths, args, x, opts.Log); err != nil {
		return
	}
	src := sources{own: gopts.Own, root: opts.Dir, seen: map[string]bool{}}
	for _, path := range paths {
		p, er := x.Packages[path], byPath[path]
		if p == nil {
			continue
		}
		text := p.Output.Kept()
		for _, name := range p.TestOrder {
			text += p.Tests[name].Output.Kept()
		}
		lines, locs := explainLockOrder(text, dirs[path], src)
		if len(lines) == 0 {
			continue
		}
		if er.Verdict == Pass || er.Verdict == NoTests || er.Verdict == Fail {
			er.Verdict = Deadlock
			er.Message = "lock-order inversion: two goroutines take the same locks in opposite orders (found by go-deadlock; this run did not deadlock, a later one can)"
			er.Points = 0
			er.Hint = 1
		}
		er.Explanation = append(er.Explanation, lines...)
		// Shown as the first run's are, so that the same line merges.
		rewriteLocations(locs, relativePaths(gopts))
		er.Locations = sortLocations(append(er.Locations, locs...))
	}
}

func requires(gomod, module string) bool {
	b, err := os.ReadFile(gomod)
	return err == nil && bytes.Contains(b, []byte(module+" "))
}

// swapLocks rewrites a Go file's sync.Mutex and sync.RWMutex to
// go-deadlock's. Every line keeps its number (the import joins the package
// clause's line; a use of sync that keeps the import alive goes at the
// end), so that explanations point at the real lines.
func swapLocks(src []byte) ([]byte, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	syncName := ""
	for _, imp := range f.Imports {
		if imp.Path.Value == `"sync"` {
			syncName = "sync"
			if imp.Name != nil {
				syncName = imp.Name.Name
			}
		}
	}
	if syncName == "" || syncName == "_" || syncName == "." {
		return nil, false
	}
	var offsets []int
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == syncName && (sel.Sel.Name == "Mutex" || sel.Sel.Name == "RWMutex") {
			offsets = append(offsets, fset.Position(id.Pos()).Offset)
		}
		return true
	})
	if len(offsets) == 0 {
		return nil, false
	}
	sort.Ints(offsets)
	var out bytes.Buffer
	last := 0
	pkgEnd := fset.Position(f.Name.End()).Offset
	for _, off := range offsets {
		if last <= pkgEnd && pkgEnd <= off {
			out.Write(src[last:pkgEnd])
			out.WriteString(`; import conclabdeadlock "` + deadlockModule + `"`)
			last = pkgEnd
		}
		out.Write(src[last:off])
		out.WriteString("conclabdeadlock")
		last = off + len(syncName)
	}
	out.Write(src[last:])
	fmt.Fprintf(&out, "\nvar _ = %s.NewCond // keeps the import of sync used\n", syncName)
	return out.Bytes(), true
}

// deadlockFrame is a line of go-deadlock's stacks: "file.go:12 pkg.Func code".
var deadlockFrame = regexp.MustCompile(`(?m)^(\S+\.go):(\d+) (\S+)`)

// explainLockOrder reads go-deadlock's "Inconsistent locking" and
// "Recursive locking" reports: for each, the lock operations of the two
// orders, at the learner's lines.
func explainLockOrder(text, dir string, src sources) ([]string, []Location) {
	var lines []string
	var locs []Location
	for _, report := range strings.Split(text, "POTENTIAL DEADLOCK:")[1:] {
		kind := strings.TrimSpace(strings.SplitN(report, "\n", 2)[0])
		var places []string
		funcs := map[string]bool{}
		for _, section := range strings.Split(report, "\n\n") {
			m := deadlockFrame.FindStringSubmatch(section)
			if m == nil {
				continue
			}
			file := m[1]
			if !filepath.IsAbs(file) {
				file = filepath.Join(dir, file) // the test binary runs in its package's folder
			}
			n, _ := strconv.Atoi(m[2])
			if real, ok := src.learner(file); ok {
				locs = append(locs, location(real, n, "lock taken here ("+funcName(m[3])+")"))
				funcs[m[3]] = true
				if place := fmt.Sprintf("%s:%d (%s)", filepath.Base(file), n, funcName(m[3])); !slices.Contains(places, place) {
					places = append(places, place)
				}
			}
		}
		switch {
		case strings.HasPrefix(kind, "Inconsistent locking"):
			lines = append(lines, "lock-order inversion: one goroutine took two locks in one order, another in the opposite order; run together they wait for each other (a wait-for cycle)")
		case strings.HasPrefix(kind, "Recursive locking"):
			lines = append(lines, "recursive locking: a goroutine locks a mutex it already holds: it locked it before without unlocking it (a missing Unlock, or a method that locks a lock its caller holds: Go's locks are not reentrant)")
		default:
			lines = append(lines, "go-deadlock: "+kind)
		}
		if len(places) > 0 {
			line := "  the locks are taken at " + strings.Join(places, " and ")
			if len(funcs) == 1 {
				line += ": the same function, called with its arguments swapped, takes them in the other order; take such locks in one fixed order"
			}
			lines = append(lines, line)
		}
	}
	return lines, locs
}
