package queues_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	queues "github.com/conclab/conclab/lessons/08-queues"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, queues.Lesson) }

func TestThirdPutBlocksUntilAGet(t *testing.T) {
	r := lessontest.Run(t, queues.Lesson, "blocking-put", lessontest.Speed(5))
	assert.Equal(t, 0.0, r.Finding(t, "returned-before-get"), "a put into a full queue of 2 returned")
	assert.Equal(t, 1.0, r.Finding(t, "returned-after-get"))

	// On the timeline: the third send completes only after the consumer
	// began its get (the order of the get's end and the put's end is the
	// scheduler's business, so the test does not look at it).
	consumer := -1
	for i, name := range r.Stage.Lanes() {
		if name == "consumer" {
			consumer = i
		}
	}
	var sends, getBegan int
	for _, e := range r.Stage.Events() {
		switch {
		case e.Lane == consumer && e.Kind == lesson.Waiting:
			getBegan++
		case e.Kind == lesson.Sent:
			sends++
			if sends == 3 {
				assert.Equal(t, 1, getBegan, "the third put completed before any get began")
			}
		}
	}
	assert.Equal(t, 3, sends)
}

func TestNonBlockingPutFailsAtCapacityPlusOne(t *testing.T) {
	r := lessontest.Run(t, queues.Lesson, "non-blocking")
	assert.Equal(t, 4.0, r.Finding(t, "first-failed-put"), "capacity 3: the 4th put is the first to fail")
	assert.Equal(t, 1.0, r.Finding(t, "get-on-empty-failed"))
	assert.Contains(t, r.Output, "put 3: ok")
	assert.Contains(t, r.Output, "put 4: queue full")
}

func TestProducersConsumersEveryItemOnce(t *testing.T) {
	r := lessontest.Run(t, queues.Lesson, "producers-consumers")
	assert.Equal(t, 100.0, r.Finding(t, "queued"))
	assert.Equal(t, 100.0, r.Finding(t, "sent"), "every e-mail consumed")
	assert.Equal(t, 0.0, r.Finding(t, "duplicates"), "an e-mail was sent twice")
	assert.Equal(t, 0.0, r.Finding(t, "missing"), "an e-mail was never sent")
	assert.Contains(t, r.Output, "going home", "consumers ended when the queue was closed")
}

func TestBackpressure(t *testing.T) {
	// Speed 4: 25 ms per item. The producer cannot finish before the
	// consumer has taken 7 of 10 items (2 sit in the queue, 1 in hand):
	// at least 175 ms, most of it blocked in put.
	r := lessontest.Run(t, queues.Lesson, "backpressure", lessontest.Speed(4))
	took, blocked := r.Finding(t, "producer-took"), r.Finding(t, "producer-blocked")
	assert.GreaterOrEqual(t, took, 7*25.0*0.95, "the producer finished before the consumer made room")
	assert.GreaterOrEqual(t, blocked, took*0.5, "the producer should spend most of its time waiting for room")
	assert.GreaterOrEqual(t, r.Finding(t, "consumer-took"), 10*25.0*0.95)

	var waits int
	for _, e := range r.Stage.Events() {
		if e.Kind == lesson.Waiting && e.Object == "queue" {
			waits++
		}
	}
	assert.Equal(t, 10, waits, "the producer records waiting before each put")
}

func TestPollingEmptyLosesItemsAndRangeDoesNot(t *testing.T) {
	// Speed 1: the producer pauses 300 ms; the consumer gives up after 3
	// looks 10 ms apart.
	r := lessontest.Run(t, queues.Lesson, "polling-empty", lessontest.Speed(1))
	lost, got := r.Finding(t, "lost"), r.Finding(t, "consumed-polling")
	assert.Positive(t, lost, "the polling consumer should quit while the producer still works")
	assert.Equal(t, 10.0, lost+got, "every item was either consumed or left in the queue")
	assert.Equal(t, 10.0, r.Finding(t, "consumed-range"))
	assert.Equal(t, 0.0, r.Finding(t, "lost-range"))
}

func TestCloseDrainsThenSaysClosed(t *testing.T) {
	r := lessontest.Run(t, queues.Lesson, "close-and-drain")
	assert.Equal(t, 3.0, r.Finding(t, "channel-drained"), "the 3 items inside a closed channel still come out")
	assert.Equal(t, 2.0, r.Finding(t, "channel-closed-reports"), "once drained, every get says closed")
	assert.Regexp(t, `get: "a"\nget: "b"\nget: "c"\nget: closed\nget: closed\n`, r.Output, "in order, then closed")
	assert.Equal(t, 1.0, r.Finding(t, "channel-put-panicked"), "a send on a closed channel panics")

	assert.Equal(t, 1.0, r.Finding(t, "put-after-close-failed"), "Put after Close must fail with the mailbox's error")
	assert.Equal(t, 6.0, r.Finding(t, "mailbox-drained"), "every letter put before Close comes out")
	assert.Equal(t, 0.0, r.Finding(t, "mailbox-twice"), "a letter came out twice")
	assert.Equal(t, 3.0, r.Finding(t, "mailbox-closed-reports"), "each consumer ends on closed")
}

func TestBlockedCallsGiveUpWhenCtxIsDone(t *testing.T) {
	// Speed 2: a 100 ms timeout. A timer never fires early, so the lower
	// bounds are exact; nothing but ctx can end these waits, so the cond
	// waiter that cannot see ctx is still waiting at twice the timeout.
	r := lessontest.Run(t, queues.Lesson, "cancel-wait", lessontest.Speed(2))
	assert.Equal(t, 1.0, r.Finding(t, "put-deadline"), "the put on a full channel returns the deadline's error")
	assert.GreaterOrEqual(t, r.Finding(t, "put-returned-after"), 100.0, "the put gave up before its deadline")
	assert.Less(t, r.Finding(t, "put-returned-after"), 5000.0, "the put did not give up when its deadline passed")
	assert.Equal(t, 1.0, r.Finding(t, "queue-len"), "a put that timed out must not add its item")
	assert.Equal(t, 1.0, r.Finding(t, "get-cancelled"), "the get on an empty channel returns context.Canceled")

	assert.Equal(t, 1.0, r.Finding(t, "cond-wait-ignored-ctx"), "cond.Wait cannot see ctx: it must still be waiting")
	assert.Equal(t, 1.0, r.Finding(t, "cond-get-deadline"), "with AfterFunc the cond get returns the deadline's error")
	assert.GreaterOrEqual(t, r.Finding(t, "cond-get-returned-after"), 100.0)
	assert.Less(t, r.Finding(t, "cond-get-returned-after"), 5000.0, "AfterFunc's Broadcast did not wake the waiter")
}
