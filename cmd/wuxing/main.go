// Command wuxing runs the five-star branch and grassroots governance platform.
package main

import (
	"os"

	"wuxing/internal/cli"
)

func main() { os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr)) }
