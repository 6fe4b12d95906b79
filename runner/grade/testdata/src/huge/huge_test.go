package huge

import "testing"

func TestChatty(t *testing.T) { Chatty(2000) }
