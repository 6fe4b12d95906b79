package grade

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/conclab/conclab/exercises"
	"github.com/conclab/conclab/runner/grade/policy"
)

// maxLearnerFile bounds the size of a learner's file: a real solution is
// a few KiB.
const maxLearnerFile = 1 << 20

// admit reads the learner's files of ex from the submission folder sub
// and decides whether they may be built at all. A file that is missing
// makes the exercise "not submitted" (never the stub's verdict); a file
// that is not a regular file inside the submission (a symbolic link, a
// device, a folder), is not UTF-8 or is too big is refused and never
// read further, let alone followed; the files that remain are checked
// against the exercise's capability policy (package policy). Either way
// er gets the verdict and the reasons, and admit returns no files: only
// what it returns is built.
func admit(er *ExerciseResult, sub string, ex exercises.Exercise, canonical map[string][]byte) map[string][]byte {
	files := map[string][]byte{}
	byPath := map[string][]byte{}
	var missing, refused []string
	if info, err := os.Lstat(sub); err == nil && info.Mode()&os.ModeSymlink != 0 {
		refused = append(refused, fmt.Sprintf("%s is a symbolic link: refused, never followed (submit the folder itself)", filepath.Base(sub)))
	}
	for _, name := range ex.Files {
		path := filepath.Join(sub, name)
		info, err := os.Lstat(path)
		switch {
		case len(refused) > 0:
		case err != nil:
			missing = append(missing, name)
		case info.Mode()&os.ModeSymlink != 0:
			refused = append(refused, fmt.Sprintf("%s is a symbolic link: refused, never followed (submit the file itself)", name))
		case !info.Mode().IsRegular():
			refused = append(refused, fmt.Sprintf("%s is not a regular file (%s): refused", name, info.Mode().Type()))
		case info.Size() > maxLearnerFile:
			refused = append(refused, fmt.Sprintf("%s is %d bytes, more than the %d a solution may have: refused", name, info.Size(), maxLearnerFile))
		default:
			b, err := readRegular(path)
			switch {
			case err != nil:
				refused = append(refused, fmt.Sprintf("%s cannot be read: %v", name, err))
			case !utf8.Valid(b):
				refused = append(refused, fmt.Sprintf("%s is not UTF-8 text: refused (Go source is UTF-8)", name))
			default:
				files[name] = b
				byPath[path] = b
			}
		}
	}
	switch {
	case len(refused) > 0:
		er.Verdict, er.Message = Policy, refused[0]
		er.Explanation = append(er.Explanation, refused...)
		return nil
	case len(missing) > 0:
		er.Verdict = NotSubmitted
		er.Message = fmt.Sprintf("not submitted: %s is missing from the submission", missing[0])
		er.Notes = append(er.Notes, fmt.Sprintf("no %s in %s: nothing was graded", missing[0], sub))
		return nil
	}
	// A name the learner's files use without declaring it is theirs to
	// get wrong (the compiler says "undefined"), unless one of the
	// exercise's own test files in the learner's package declares it:
	// then it is a test's helper, not the learner's to use.
	testNames := sharedTestNames(canonical)
	violations := slices.DeleteFunc(policy.Check(byPath, ex.Imports), func(v policy.Violation) bool {
		return v.Rule == policy.RuleForeignName && !testNames[v.Name] && !strings.Contains(strings.ToLower(v.Name), "conclab")
	})
	if len(violations) > 0 {
		er.Verdict = Policy
		for i, v := range violations {
			loc := location(v.File, v.Line, "policy: "+v.Detail)
			if i == 0 {
				er.Message = fmt.Sprintf("%s:%d: %s", filepath.Base(v.File), v.Line, v.Detail)
			}
			line := fmt.Sprintf("%s:%d: %s", loc.File, v.Line, v.Detail)
			if v.Instead != "" {
				line += "; instead: " + v.Instead
			}
			er.Explanation = append(er.Explanation, line)
			er.Locations = append(er.Locations, loc)
		}
		return nil
	}
	return files
}

// readRegular reads the regular file at path without following a
// symbolic link put there since it was looked at.
func readRegular(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	return io.ReadAll(io.LimitReader(f, maxLearnerFile+1))
}

// sharedTestNames are the top-level names declared by the canonical test
// files that share the learner's package (export_test.go and the like).
func sharedTestNames(canonical map[string][]byte) map[string]bool {
	names := map[string]bool{}
	fset := token.NewFileSet()
	for name, src := range canonical {
		if !strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil || strings.HasSuffix(f.Name.Name, "_test") {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						names[spec.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	return names
}
