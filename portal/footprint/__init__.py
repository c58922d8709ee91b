"""The site's environmental footprint: EcoIndex figures of the key pages (measured by
`make ecoindex`, read from a committed file), the bytes served per day (counted in memory,
written once a minute per process), the current page's weight in the footer, `carbon.txt`."""
