module corpus/latch-lost-wakeup

go 1.26
