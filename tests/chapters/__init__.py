"""The chapter tests: one module per chapter, sharing the helpers of chapter_tools."""
