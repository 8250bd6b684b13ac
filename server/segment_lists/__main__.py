from segment_lists.cli.main import main

main()
