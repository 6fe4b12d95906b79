package lessons_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons"
)

// TestLevelsInCourseOrder: the stepper's levels are numbered from 1 in
// course order, each marked with the lesson that holds it, each found by
// number and by slug.
func TestLevelsInCourseOrder(t *testing.T) {
	ls := lessons.Levels()
	require.GreaterOrEqual(t, len(ls), 6)
	// Where each level is declared: its lesson's ID and position.
	home := map[string]string{}
	number := map[string]int{}
	for _, l := range lessons.All() {
		for _, lv := range l.Levels {
			assert.Zero(t, lv.Number, "lesson %s numbers level %s itself; the course does", l.ID(), lv.Slug)
			assert.Empty(t, lv.Lesson, "lesson %s names the lesson of level %s itself; the course does", l.ID(), lv.Slug)
			_, twice := home[lv.Slug]
			assert.False(t, twice, "level slug %q is used twice", lv.Slug)
			home[lv.Slug] = l.ID()
			number[l.ID()] = l.Number
		}
	}
	require.Len(t, ls, len(home), "Levels lists every lesson's levels once")
	prev, fixed := 0, 0
	for i, l := range ls {
		assert.Equal(t, i+1, l.Number)
		assert.Equal(t, home[l.Slug], l.Lesson, "level %d (%s) is marked with the wrong lesson", l.Number, l.Slug)
		assert.GreaterOrEqual(t, number[l.Lesson], prev, "level %d (%s) is out of lesson order", l.Number, l.Slug)
		prev = number[l.Lesson]
		if l.Fixed {
			fixed++
			assert.NotEmpty(t, l.Fix, "a fixed level says what makes it unwinnable")
		}
		for _, name := range []string{l.Slug, fmt.Sprint(l.Number)} {
			found, err := lessons.FindLevel(name)
			require.NoError(t, err)
			assert.Equal(t, l.Number, found.Number, "FindLevel(%q)", name)
			assert.Equal(t, l.Slug, found.Slug, "FindLevel(%q)", name)
		}
	}
	assert.GreaterOrEqual(t, fixed, 2)
	_, err := lessons.FindLevel("99")
	assert.ErrorContains(t, err, `no level "99"; valid: 1 lost-update`)
}

// TestLevelsAreFresh: changing a level that Levels returned changes
// nothing for the next caller: the lessons' own values are copied, never
// handed out.
func TestLevelsAreFresh(t *testing.T) {
	first := lessons.Levels()
	first[0].Number, first[0].Title = 42, "changed"
	again := lessons.Levels()
	assert.Equal(t, 1, again[0].Number)
	assert.NotEqual(t, "changed", again[0].Title)
	found, err := lessons.FindLevel("1")
	require.NoError(t, err)
	assert.NotSame(t, again[0], found, "each call returns its own levels")
}
