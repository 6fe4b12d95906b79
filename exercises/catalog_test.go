package exercises_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises"
)

// TestEveryExerciseListsItsImports: the grader refuses any import an
// exercise does not list, so an exercise without a list could not be
// solved; and a list must at least cover the stub the learner starts
// from.
func TestEveryExerciseListsItsImports(t *testing.T) {
	for _, e := range exercises.All() {
		assert.NotEmpty(t, e.Imports, "%s has no Imports: the grader would refuse every import", e.ID())
		assert.Len(t, e.Imports, len(uniq(e.Imports)), "%s lists an import twice: %v", e.ID(), e.Imports)
		for _, f := range e.Files {
			src, err := fs.ReadFile(exercises.Canonical, e.Dir()+"/"+f)
			require.NoError(t, err, "%s: stub %s", e.ID(), f)
			file, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			require.NoError(t, err, "%s: stub %s", e.ID(), f)
			for _, spec := range file.Imports {
				p, _ := strconv.Unquote(spec.Path.Value)
				assert.Contains(t, e.Imports, p, "%s: the stub %s imports %q, which Imports does not list", e.ID(), f, p)
			}
		}
	}
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
