local helper = 1
