package grade

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// explain fills in er's explanation and locations from what go test
// printed, pointing at the learner's own lines.
func explain(er *ExerciseResult, opts Options) {
	if er.Verdict == Pass {
		return
	}
	src := sources{files: er.Files, root: opts.Root}
	switch er.Verdict {
	case BuildError, VetError:
		explainBuild(er, src)
	default:
		for _, t := range er.Tests {
			if t.Verdict == Pass {
				continue
			}
			lines, locs := explainOutput(t.Verdict, t.Output, src)
			t.Locations = locs
			er.Explanation = append(er.Explanation, prefixFirst(t.Name+": ", lines)...)
			er.Locations = append(er.Locations, locs...)
		}
		if lines, locs := explainOutput(er.Verdict, er.Output, src); len(er.Explanation) == 0 {
			er.Explanation, er.Locations = lines, locs
		}
	}
	er.Locations = sortLocations(er.Locations)
	er.Hint = 1
}

func prefixFirst(prefix string, lines []string) []string {
	if len(lines) == 0 {
		return nil
	}
	return append([]string{prefix + lines[0]}, lines[1:]...)
}

// sources maps the file paths in compiler output and stack traces to the
// learner's real files.
type sources struct {
	files map[string]string // path as built -> learner's real file
	root  string
}

// learner returns the learner's real file for a path as go printed it.
func (s sources) learner(p string) (string, bool) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.root, p)
	}
	real, ok := s.files[filepath.Clean(p)]
	return real, ok
}

// location builds a Location for line n of the learner's file real, with
// the line and its neighbours.
func location(real string, n int, what string) Location {
	return Location{File: displayPath(real), Line: n, What: what, Code: codeAround(real, n)}
}

// displayPath is the file as the learner knows it: relative to the
// working folder when it is below it.
func displayPath(real string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, real); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(real)
}

// codeAround returns lines n-1..n+1 of file, each as "NN| text", the
// middle one marked.
func codeAround(file string, n int) []string {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	lines := strings.Split(string(b), "\n")
	var out []string
	for i := n - 1; i <= n+1; i++ {
		if i < 1 || i > len(lines) {
			continue
		}
		mark := " "
		if i == n {
			mark = ">"
		}
		out = append(out, fmt.Sprintf("%s%4d| %s", mark, i, strings.ReplaceAll(lines[i-1], "\t", "    ")))
	}
	return out
}

var diagnostic = regexp.MustCompile(`(?m)^(?:vet: )?(\S+\.go):(\d+)(?::\d+)?: (.*)$`)

// explainBuild points at the learner's lines named by compiler or vet
// errors.
func explainBuild(er *ExerciseResult, src sources) {
	kind := "compile error"
	if er.Verdict == VetError {
		kind = "go vet"
	}
	for _, m := range diagnostic.FindAllStringSubmatch(er.Output, -1) {
		n, _ := strconv.Atoi(m[2])
		real, ok := src.learner(m[1])
		if !ok {
			// The error is in a file that is not the learner's (a
			// canonical test failing to compile against a changed API).
			er.Explanation = append(er.Explanation, fmt.Sprintf("%s: %s:%s: %s", kind, filepath.Base(m[1]), m[2], m[3]))
			continue
		}
		loc := location(real, n, kind+": "+m[3])
		er.Locations = append(er.Locations, loc)
		er.Explanation = append(er.Explanation, fmt.Sprintf("%s:%d: %s", loc.File, n, m[3]))
	}
}

// explainOutput explains a failure from the text a test printed. It is
// filled in for races, deadlocks and leaks once lessons/traceback lands.
func explainOutput(v Verdict, out string, src sources) ([]string, []Location) {
	return nil, nil
}
