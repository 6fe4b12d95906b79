package lessons_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons"
	"github.com/conclab/conclab/lessons/lesson"
)

func TestLessonsAreNumberedWithoutGaps(t *testing.T) {
	all := lessons.All()
	require.NotEmpty(t, all)
	for i, l := range all {
		assert.Equalf(t, i+1, l.Number, "lesson %q is at position %d", l.Slug, i+1)
	}
}

func TestLessonsAreComplete(t *testing.T) {
	slugs := map[string]bool{}
	for _, l := range lessons.All() {
		assert.Falsef(t, slugs[l.Slug], "slug %q is used twice", l.Slug)
		slugs[l.Slug] = true
		assert.Regexpf(t, `^[a-z]+$`, l.Slug, "lesson %d slug", l.Number)
		assert.NotEmptyf(t, l.Title, "lesson %s has no title", l.Slug)
		assert.NotEmptyf(t, l.Summary, "lesson %s has no summary", l.Slug)
		assert.Greaterf(t, len(l.Text), 500, "lesson %s text is too short to teach", l.Slug)
		assert.GreaterOrEqualf(t, len(l.Demos), 2, "lesson %s needs at least 2 demos", l.Slug)
		names := map[string]bool{}
		for _, d := range append(append([]lesson.Demo{}, l.Demos...), l.Children...) {
			assert.Falsef(t, names[d.Name], "lesson %s: demo name %q is used twice", l.Slug, d.Name)
			names[d.Name] = true
			assert.Regexpf(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, d.Name, "lesson %s demo name", l.Slug)
			assert.Truef(t, d.Run != nil, "lesson %s demo %s has no Run", l.Slug, d.Name)
		}
		for _, d := range l.Demos {
			assert.NotEmptyf(t, d.Claim, "lesson %s demo %s states no claim", l.Slug, d.Name)
			assert.NotEmptyf(t, d.Title, "lesson %s demo %s has no title", l.Slug, d.Name)
		}
	}
}

func TestFindByNumberOrSlug(t *testing.T) {
	l, err := lessons.Find("1")
	require.NoError(t, err)
	assert.Equal(t, "goroutines", l.Slug)
	l, err = lessons.Find("goroutines")
	require.NoError(t, err)
	assert.Equal(t, 1, l.Number)

	_, err = lessons.Find("99")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "valid: 1 goroutines")
}

// TestCourseSpeaksToAnyReader: the lessons keep the stories of a Python
// course on threads, but a reader need not have taken it. They tell them
// as "a common way this is taught" or "coming from Python threads", never
// as "the old course" or "the Python course" the reader is assumed to
// remember.
func TestCourseSpeaksToAnyReader(t *testing.T) {
	assumed := regexp.MustCompile(`(?i)the\s+(old|python)\s+course`) // \s: across a line break too
	check := func(name, text string) {
		for _, m := range assumed.FindAllStringIndex(text, -1) {
			line := 1 + strings.Count(text[:m[0]], "\n")
			said := strings.Join(strings.Fields(text[m[0]:m[1]]), " ")
			assert.Failf(t, "a lesson assumes its reader took a course",
				"%s, line %d, speaks of %q as if every reader had taken it: tell it as \"a common way this is taught\" or \"coming from Python threads\"", name, line, said)
		}
	}
	for _, l := range lessons.All() {
		check("lesson "+l.ID()+" (its Text)", l.Text)
	}
	files, err := filepath.Glob("*/*.md")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no lesson markdown found next to this test")
	// The exercises' statements are read by the same students.
	statements, err := filepath.Glob("../exercises/*/README.md")
	require.NoError(t, err)
	require.NotEmpty(t, statements, "no exercise statement found")
	files = append(files, statements...)
	for _, f := range files {
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		check(f, string(text))
	}
}
