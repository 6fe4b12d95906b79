package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"hash/fnv"
	"os"
	"path/filepath"

	"github.com/conclab/conclab/runner/grade"
)

// An exercise whose catalog entry sets Gaps is graded with the learner's
// files rewritten by grade.Gapped and the gap helper laid into its package
// (grade.GapHelper): the tests that run in a synctest bubble with
// CONCLAB_GAPS=1 then open a gap after each unlock, and kill a split
// critical section or a missed wakeup in every run. The self-check lays
// every learner file the same way, the reference solution, the stub, the
// wrong and pass fixtures and the mutants alike, so that what it proves
// is what the grader does.

// layGapHelpers writes the gap helper of every exercise under check that
// has Gaps into dir, and notes where each goes over its package; the
// gapped copies of learner files go into dir too (gapped).
func (c *checker) layGapHelpers(dir string) error {
	c.gapDir = dir
	c.gapped = map[string]string{}
	for _, x := range c.exs {
		if !x.Gaps {
			continue
		}
		src, err := os.ReadFile(x.stub)
		if err != nil {
			return err
		}
		pkg, err := packageOf(src)
		if err != nil {
			return fmt.Errorf("%s: %v", x.ID(), err)
		}
		path := filepath.Join(dir, x.Dir()+"-"+grade.GapHelperFile)
		if err := os.WriteFile(path, grade.GapHelper(pkg), 0o644); err != nil {
			return err
		}
		x.gapHelper = map[string]string{filepath.Join(filepath.Dir(x.stub), grade.GapHelperFile): path}
	}
	return nil
}

// withGaps lays, into overlay, the gapped copy of every learner file of
// x (the file overlay lays over it, or the stub on disk) and the gap
// helper, when x has Gaps.
func (c *checker) withGaps(overlay map[string]string, x *exercise) error {
	if !x.Gaps {
		return nil
	}
	for stub := range x.solution {
		src := stub
		if p, ok := overlay[stub]; ok {
			src = p
		}
		g, err := c.gappedCopy(x, src)
		if err != nil {
			return err
		}
		overlay[stub] = g
	}
	for target, path := range x.gapHelper {
		overlay[target] = path
	}
	return nil
}

// gappedCopy returns the path of the gapped copy of the learner file at
// path, written once per distinct source. A file that does not parse is
// laid as it is, as the grader does, for the compiler to say why.
func (c *checker) gappedCopy(x *exercise, path string) (string, error) {
	c.gapMu.Lock()
	defer c.gapMu.Unlock()
	if g, ok := c.gapped[path]; ok {
		return g, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	g, err := grade.Gapped(x.Exercise, src)
	if err != nil {
		c.gapped[path] = path
		return path, nil
	}
	h := fnv.New64a()
	h.Write([]byte(path))
	out := filepath.Join(c.gapDir, fmt.Sprintf("gapped-%016x-%s", h.Sum64(), filepath.Base(path)))
	if err := os.WriteFile(out, g, 0o644); err != nil {
		return "", err
	}
	c.gapped[path] = out
	return out, nil
}

// packageOf is the name in the package clause of the Go source src.
func packageOf(src []byte) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly)
	if err != nil {
		return "", err
	}
	return f.Name.Name, nil
}
