"""cadrecore's own plugins: registered through the same hooks as any outside plugin."""
