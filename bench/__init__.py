"""The performance benchmark: seed a bureau or a province (`bench.seed`), then measure it (`bench.run`)."""
