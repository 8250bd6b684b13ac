from segment_lists.cli import main

main()
