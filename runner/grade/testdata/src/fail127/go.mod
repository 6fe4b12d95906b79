module example.com/fail127

go 1.26
