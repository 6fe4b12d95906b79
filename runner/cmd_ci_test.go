package runner_test

import (
	"io"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestCIGitHubWorkflowsLint lints both GitHub workflows conclab ci prints
// with actionlint (syntax, expressions, matrix, action inputs; shellcheck
// off, so that the result does not depend on the machine) and checks they
// install the pinned release and never build the repository graded.
func TestCIGitHubWorkflowsLint(t *testing.T) {
	for _, args := range [][]string{
		{"ci", "github", "--version", "v1.2.3"},
		{"ci", "github", "--version", "v1.2.3", "--class", "submissions", "--shards", "3"},
	} {
		code, out, stderr := run(t, args...)
		require.Equal(t, 0, code, stderr)
		linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
		require.NoError(t, err)
		errs, err := linter.Lint(".github/workflows/conclab.yml", []byte(out), nil)
		require.NoError(t, err)
		for _, e := range errs {
			assert.Fail(t, "actionlint", "%s: %s\n%s", strings.Join(args, " "), e.Error(), out)
		}
		// The linter does find mistakes: the same workflow with a job key
		// misspelt is rejected.
		broken := strings.Replace(out, "runs-on:", "run-on:", 1)
		errs, err = linter.Lint(".github/workflows/conclab.yml", []byte(broken), nil)
		require.NoError(t, err)
		assert.NotEmpty(t, errs, "actionlint must reject a misspelt key")
		assert.Contains(t, out, "go install github.com/conclab/conclab@v1.2.3")
		assert.NotContains(t, out, "go build", "the grader is never built from the repository")
		assert.Contains(t, out, "~/.cache/go-build", "the build cache is kept")
		if strings.Contains(strings.Join(args, " "), "--class") {
			assert.Contains(t, out, "shard: [1, 2, 3]")
			assert.Contains(t, out, "--shard ${{ matrix.shard }}/3")
			assert.Contains(t, out, "conclab gradebook merge gradebook-*.json")
		} else {
			assert.Contains(t, out, `>> "$GITHUB_STEP_SUMMARY"`)
			assert.Contains(t, out, "--format junit")
			assert.Contains(t, out, "--format github")
		}
	}
}

// TestCIGitLabParses parses both .gitlab-ci.yml files as YAML and checks
// the keys GitLab reads: the JUnit report, the shards' matrix.
func TestCIGitLabParses(t *testing.T) {
	code, out, stderr := run(t, "ci", "gitlab", "--version", "v1.2.3")
	require.Equal(t, 0, code, stderr)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(out), &doc), out)
	job := doc["conclab"].(map[string]any)
	assert.Equal(t, "conclab-junit.xml", job["artifacts"].(map[string]any)["reports"].(map[string]any)["junit"])
	assert.Equal(t, "always", job["artifacts"].(map[string]any)["when"])
	assert.Contains(t, job["before_script"].([]any)[0], "go install github.com/conclab/conclab@v1.2.3")
	assert.Len(t, job["cache"].(map[string]any)["paths"], 2)

	code, out, stderr = run(t, "ci", "gitlab", "--version", "v1.2.3", "--class", "class", "--shards", "2")
	require.Equal(t, 0, code, stderr)
	doc = nil
	require.NoError(t, yaml.Unmarshal([]byte(out), &doc), out)
	grade := doc["grade"].(map[string]any)
	matrix := grade["parallel"].(map[string]any)["matrix"].([]any)
	assert.Equal(t, []any{"1", "2"}, matrix[0].(map[string]any)["SHARD"])
	assert.Contains(t, grade["script"].([]any)[0], "--shard $SHARD/2")
	assert.Equal(t, []any{"grade", "merge"}, doc["stages"])
	assert.Contains(t, doc["merge"].(map[string]any)["script"].([]any)[0], "gradebook merge")

	for _, bad := range [][]string{
		{"ci"}, {"ci", "jenkins"}, {"ci", "github"}, // a test binary is no release
		{"ci", "github", "--version", "latest"},
		{"ci", "gitlab", "--version", "v1.0.0", "--class", "a b"},
		{"ci", "gitlab", "--version", "v1.0.0", "--shards", "0"},
	} {
		code, _, stderr := run(t, bad...)
		assert.Equal(t, 2, code, "conclab %s: %s", strings.Join(bad, " "), stderr)
	}
}
