from tipbook.cli import main

main()
