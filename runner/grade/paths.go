package grade

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// relativePaths returns the replacer that rewrites the absolute paths go
// printed (compiler and vet errors, race reports, goroutine dumps,
// go-deadlock's reports) into the paths a reader knows: relative to the
// working folder when below it, else to the submission or the workspace.
// A CI report then reads the same wherever the repository was cloned and
// shows nothing of the grader's temporary folders. aliases maps the
// grader's own copies (canonical tests, a missing file's stub) to the
// paths they stand for.
func relativePaths(opts Options) *strings.Replacer {
	var pairs []pathPair
	wd, _ := os.Getwd()
	below := func(dir, parent string) bool {
		return parent != "" && (dir == parent || strings.HasPrefix(dir, parent+string(filepath.Separator)))
	}
	// dir's paths lose dir's own prefix (a dir below the working folder
	// is covered by the working folder's, which is shorter and keeps
	// the path relative to where the reader stands).
	folder := func(dir, to string) {
		if dir == "" || filepath.Dir(dir) == dir {
			return // never rewrite "/" itself
		}
		for _, d := range variants(dir) {
			if to == "" && d != wd && below(d, wd) {
				continue
			}
			pairs = append(pairs, pathPair{d + string(filepath.Separator), to})
			// The go command names a file outside its working folder
			// (opts.Root) relatively when that is shorter than the
			// absolute path: a submission in /tmp/x graded from /tmp/conclab
			// shows as ../x/01-counter/counter.go.
			if rel, err := filepath.Rel(opts.Root, d); err == nil && strings.HasPrefix(rel, "..") {
				pairs = append(pairs, pathPair{rel + string(filepath.Separator), to})
			}
		}
	}
	folder(wd, "")
	if !below(opts.Submission, opts.Root) {
		// The workspace's own exercises folder reads as
		// exercises/01-counter/counter.go, as the learner knows it.
		folder(opts.Submission, "")
	}
	folder(opts.Root, "")
	folder(opts.tmp, "")
	if goroot, modcache := goDirs(); goroot != "" {
		folder(goroot, "$GOROOT/")
		folder(modcache, "$GOMODCACHE/")
	}
	// Longest first: a replacer tries its old strings in order, and the
	// deepest folder's rule must win.
	slices.SortStableFunc(pairs, func(a, b pathPair) int { return len(b.old) - len(a.old) })
	var r []string
	for _, p := range pairs {
		r = append(r, p.old, p.new)
	}
	show := strings.NewReplacer(r...)
	var files []string
	for copyPath, target := range opts.aliases {
		shown := show.Replace(target)
		files = append(files, copyPath, shown)
		// The go command names a file relatively when that is shorter
		// (a copy in /tmp graded from /tmp/clone: ../conclab-grade-1/x.go).
		if rel, err := filepath.Rel(opts.Root, copyPath); err == nil && strings.HasPrefix(rel, "..") {
			files = append(files, rel, shown)
		}
	}
	// A copy's whole path goes before the folders: it names another file.
	return strings.NewReplacer(append(files, r...)...)
}

// pathPair is an absolute folder (with its trailing separator) and what
// it is shown as.
type pathPair struct{ old, new string }

// variants are dir as given and with its symbolic links resolved (a
// temporary folder is often reached through one, /tmp on macOS).
func variants(dir string) []string {
	out := []string{filepath.Clean(dir)}
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != out[0] {
		out = append(out, real)
	}
	return out
}

// goDirs are the Go toolchain's GOROOT and module cache, whose files show
// in stack traces (the runtime, testing, go-deadlock).
var goDirs = sync.OnceValues(func() (goroot, modcache string) {
	out, err := exec.Command("go", "env", "GOROOT", "GOMODCACHE").Output()
	if err != nil {
		return "", ""
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return "", ""
	}
	return strings.TrimSpace(lines[0]), strings.TrimSpace(lines[1])
})

// rewritePaths applies r to everything of er that a report shows.
func (er *ExerciseResult) rewritePaths(r *strings.Replacer) {
	er.Message = r.Replace(er.Message)
	er.Output = r.Replace(er.Output)
	for i := range er.Explanation {
		er.Explanation[i] = r.Replace(er.Explanation[i])
	}
	for i := range er.Notes {
		er.Notes[i] = r.Replace(er.Notes[i])
	}
	rewriteLocations(er.Locations, r)
	for _, t := range er.Tests {
		t.Message = r.Replace(t.Message)
		t.Output = r.Replace(t.Output)
		rewriteLocations(t.Locations, r)
	}
}

func rewriteLocations(locs []Location, r *strings.Replacer) {
	for i := range locs {
		locs[i].File = filepath.ToSlash(r.Replace(filepath.FromSlash(locs[i].File)))
		locs[i].What = r.Replace(locs[i].What)
	}
}
