package lessons_test

import (
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
