from kerncijfers.cli import main

main()
